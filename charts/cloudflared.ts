import { CloudflareTunnel, HOST_NETWORK_REASON, TunnelRoute } from '../lib/networking/cloudflare-tunnel';
import { AppChart } from '../lib/platform/app-chart';
import { Platform } from '../lib/platform/platform';
import { PodSecurity } from '../lib/platform/pod-security';

export interface CloudflaredConfig {
  /** ID of the tunnel (`cloudflared tunnel create <name>` prints it). */
  readonly tunnelId: string;
  /** Public hostnames and the services that answer them, declared by the app charts. */
  readonly routes: TunnelRoute[];
  /** @default true (seed 000) */
  readonly hostNetwork?: boolean;
}

/**
 * The Cloudflare tunnel, in a namespace of its own: host networking needs Pod Security
 * "privileged", and isolating it keeps every app namespace at "restricted".
 */
export class CloudflaredChart extends AppChart {
  constructor(platform: Platform, id: string, config: CloudflaredConfig) {
    const hostNetwork = config.hostNetwork ?? true;
    super(platform, id, {
      category: 'networking',
      podSecurity: hostNetwork
        ? PodSecurity.privileged(HOST_NETWORK_REASON)
        : PodSecurity.RESTRICTED,
    });
    new CloudflareTunnel(this, 'tunnel', { tunnelId: config.tunnelId, routes: config.routes, hostNetwork });
  }
}
