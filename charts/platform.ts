import { GitOpsChart } from '../lib/gitops/gitops-chart';
import { NetworkPolicies } from '../lib/networking/network-policies';
import { ResourceQuotas } from '../lib/platform/resource-quotas';
import { Platform, PlatformSettings } from '../lib/platform/platform';
import { BlogChart } from './blog';
import { BunBlogChart } from './bun-blog';
import { CloudflaredChart } from './cloudflared';
import { AlloyChart, MonitoringChart, NodeExporterChart } from './monitoring';
import { UrlShortenerChart } from './url-shortener';

/** Where Argo CD pulls this repository from. Change these two lines for your own fork. */
export const PLATFORM_SETTINGS: PlatformSettings = {
  repoURL: 'https://git.example.com/homelab/platform.git',
  targetRevision: 'main',
  // Seed 004's single mini PC: 8 cores / 16 threads, 64 GB.
  capacity: { nodes: 1, cpuPerNode: '16', memoryPerNode: '64Gi' },
};

/** The Cloudflare tunnel this cluster connects through (`cloudflared tunnel create`). */
export const TUNNEL_ID = '6ff42ae2-765d-4adf-8112-31c55c1551ef';

/** The whole platform: every app chart, then the GitOps layer derived from them. */
export function buildPlatform(settings: PlatformSettings = PLATFORM_SETTINGS): Platform {
  const platform = new Platform(settings);
  const blog = new BlogChart(platform);
  new BunBlogChart(platform);
  new CloudflaredChart(platform, 'cloudflared', { tunnelId: TUNNEL_ID, routes: blog.publicRoutes });
  new UrlShortenerChart(platform);
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
