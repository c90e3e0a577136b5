import { GitOpsChart } from '../lib/gitops/gitops-chart';
import { NetworkPolicies } from '../lib/networking/network-policies';
import { ResourceQuotas } from '../lib/platform/resource-quotas';
import { Platform, PlatformSettings } from '../lib/platform/platform';
import { BlogChart } from './blog';
import { BunBlogChart } from './bun-blog';
import { CloudflaredChart } from './cloudflared';
import { EdgeChart } from './edge';
import { SecretsChart } from './secrets';
import { AlloyChart, MonitoringChart, NodeExporterChart } from './monitoring';
import { UrlShortenerChart } from './url-shortener';

/** The Cloudflare tunnel this cluster connects through (`cloudflared tunnel create`). */
export const TUNNEL_ID = '6ff42ae2-765d-4adf-8112-31c55c1551ef';

/** Where Argo CD pulls this repository from. Change these two lines for your own fork. */
export const PLATFORM_SETTINGS: PlatformSettings = {
  repoURL: 'https://git.example.com/homelab/platform.git',
  targetRevision: 'main',
  // Seed 004's single mini PC: 8 cores / 16 threads, 64 GB.
  capacity: { nodes: 1, cpuPerNode: '16', memoryPerNode: '64Gi' },
  // Routes render as Traefik Ingresses (K3s); `routes: 'gateway-api'` renders seed 003's two Gateways.
  // The Let's Encrypt account of the ClusterIssuer: use your own address.
  // Public hostnames resolve to the tunnel, which serves them (seed 000).
  entryPoints: { routes: 'ingress', externalDnsTarget: `${TUNNEL_ID}.cfargotunnel.com`, acme: { email: 'admin@example.com' } },
};


/**
 * The whole platform: every app chart, then the GitOps layer derived from them. `addApps` adds
 * more app charts where `npm run new-app` registers them (the tests add a sample app).
 */
export function buildPlatform(settings: PlatformSettings = PLATFORM_SETTINGS, addApps: (platform: Platform) => void = () => {}): Platform {
  const platform = new Platform(settings);
  new BlogChart(platform);
  new BunBlogChart(platform);
  new UrlShortenerChart(platform);
  addApps(platform);
  // npm run new-app adds app charts above this line.
  // The shared entry points derive from the routes the apps above declared.
  new CloudflaredChart(platform, 'cloudflared', { tunnelId: TUNNEL_ID });
  new EdgeChart(platform);
  new SecretsChart(platform);
  new NodeExporterChart(platform);
  // Ships to Loki in the monitoring chart's namespace, `monitoring`.
  new AlloyChart(platform);
  // Monitoring last among the apps: it collects what the charts above declare.
  new MonitoringChart(platform);
  // Derived from every app chart above: each namespace closed but for its declared edges, and its quota.
  new NetworkPolicies(platform);
  new ResourceQuotas(platform);
  new GitOpsChart(platform);
  return platform;
}
