import { CLOUDFLARE_TUNNEL_DEFAULTS, CloudflareTunnel, HOST_NETWORK_REASON, TunnelRoute } from '../lib/networking/cloudflare-tunnel';
import { Routes } from '../lib/networking/routes';
import { externalSecret } from '../lib/secrets/external-secret';
import { AppChart } from '../lib/platform/app-chart';
import { Platform } from '../lib/platform/platform';
import { PodSecurity } from '../lib/platform/pod-security';

export interface CloudflaredConfig {
  /** ID of the tunnel (`cloudflared tunnel create <name>` prints it). */
  readonly tunnelId: string;
  /**
   * Public hostnames and the services that answer them.
   * @default - every public route the app charts declare (`Routes`), in any order
   */
  readonly routes?: TunnelRoute[];
  /** Pre-created Secret with the tunnel's credentials.json. @default CLOUDFLARE_TUNNEL_DEFAULTS.credentialsSecret */
  readonly credentialsSecret?: string;
  /** @default CLOUDFLARE_TUNNEL_DEFAULTS.hostNetwork (true, seed 000) */
  readonly hostNetwork?: boolean;
}

/**
 * The Cloudflare tunnel, in a namespace of its own: host networking needs Pod Security
 * "privileged", and isolating it keeps every app namespace at "restricted".
 */
export class CloudflaredChart extends AppChart {
  constructor(platform: Platform, id: string, config: CloudflaredConfig) {
    const hostNetwork = config.hostNetwork ?? CLOUDFLARE_TUNNEL_DEFAULTS.hostNetwork;
    super(platform, id, {
      category: 'networking',
      podSecurity: hostNetwork
        ? PodSecurity.privileged(HOST_NETWORK_REASON)
        : PodSecurity.RESTRICTED,
    });
    const credentialsSecret = config.credentialsSecret ?? CLOUDFLARE_TUNNEL_DEFAULTS.credentialsSecret;
    externalSecret(this, { name: credentialsSecret, keys: ['credentials.json'], usedBy: 'the tunnel (`cloudflared tunnel create` writes it)' });
    // The tunnel serves the public routes of every app chart, wherever they are created.
    platform.onDerive(this, 'entry-points', () => {
      const routes = config.routes ?? publicTunnelRoutes(platform);
      new CloudflareTunnel(this, 'tunnel', { tunnelId: config.tunnelId, routes, hostNetwork, credentialsSecret });
    });
  }
}

/** The tunnel's rules: every declared public route, to its Service, in hostname order. */
export function publicTunnelRoutes(platform: Platform): TunnelRoute[] {
  return Routes.declared(platform)
    .filter(r => r.exposure === 'public')
    .map(r => ({ hostname: r.hostname, service: r.url, target: r.target, ...(r.path === '/' ? {} : { path: `^${r.path}` }) }));
}
