import { resolveProps } from '../lib/config';
import { CLOUDFLARE_TUNNEL_DEFAULTS, CloudflareTunnel, CloudflareTunnelProps, HOST_NETWORK_REASON, TunnelRoute } from '../lib/networking/cloudflare-tunnel';
import { Routes } from '../lib/networking/routes';
import { externalSecret } from '../lib/secrets/external-secret';
import { AppChart } from '../lib/platform/app-chart';
import { Platform } from '../lib/platform/platform';
import { PodSecurity } from '../lib/platform/pod-security';

/** The tunnel's props, under their names; only `routes` has a default of the chart's own. */
export interface CloudflaredConfig extends Omit<CloudflareTunnelProps, 'routes'> {
  /**
   * Public hostnames and the services that answer them.
   * @default - every public route the app charts declare (`Routes`), in any order
   */
  readonly routes?: TunnelRoute[];
}

/**
 * The Cloudflare tunnel, in a namespace of its own: host networking needs Pod Security
 * "privileged", and isolating it keeps every app namespace at "restricted".
 */
export class CloudflaredChart extends AppChart {
  constructor(platform: Platform, id: string, config: CloudflaredConfig) {
    const tunnel = resolveProps(CLOUDFLARE_TUNNEL_DEFAULTS, config);
    super(platform, id, {
      category: 'networking',
      podSecurity: tunnel.hostNetwork
        ? PodSecurity.privileged(HOST_NETWORK_REASON)
        : PodSecurity.RESTRICTED,
    });
    externalSecret(this, { name: tunnel.credentialsSecret, keys: ['credentials.json'], usedBy: 'the tunnel (`cloudflared tunnel create` writes it)' });
    // The tunnel serves the public routes of every app chart, wherever they are created.
    platform.onDerive(this, 'entry-points', () => {
      new CloudflareTunnel(this, 'tunnel', { ...tunnel, routes: tunnel.routes ?? publicTunnelRoutes(platform) });
    });
  }
}

/** The tunnel's rules: every declared public route, to its Service, in hostname order. */
export function publicTunnelRoutes(platform: Platform): TunnelRoute[] {
  return Routes.declared(platform)
    .filter(r => r.exposure === 'public')
    .map(r => ({ hostname: r.hostname, service: r.url, target: r.target, ...(r.path === '/' ? {} : { path: `^${r.path}` }) }));
}
