import { GitOpsChart } from '../lib/gitops/gitops-chart';
import { NetworkPolicies } from '../lib/networking/network-policies';
import { ResourceQuotas } from '../lib/platform/resource-quotas';
import { Platform, PlatformSettings } from '../lib/platform/platform';
import { ArgoCdChart } from './argocd';
import { BlogChart } from './blog';
import { BunBlogChart } from './bun-blog';
import { ollamaEndpoint } from '../lib/ai/ollama';
import { CloudflaredChart } from './cloudflared';
import { EdgeChart } from './edge';
import { SecretsChart } from './secrets';
import { AlloyChart, MonitoringChart, NodeExporterChart } from './monitoring';
import { OllamaChart } from './ollama';
import { UrlShortenerChart } from './url-shortener';
import { MinifluxChart } from './miniflux';
import { WhoamiChart } from './whoami';

/** The Cloudflare tunnel this cluster connects through (`cloudflared tunnel create`). */
export const TUNNEL_ID = '6ff42ae2-765d-4adf-8112-31c55c1551ef';

/** Where Argo CD pulls this repository from. Change these two lines for your own fork. */
export const PLATFORM_SETTINGS: PlatformSettings = {
  repoURL: 'https://git.example.com/homelab/platform.git',
  targetRevision: 'main',
  // Seed 004's single mini PC: 8 cores / 16 threads, 64 GB, and a Radeon 780M iGPU (gfx1103). The
  // node joins with the label platform.homelab/gpu-model=gfx1103 (the GPU pods select it);
  // deviceGroups are the node's `video` and `render` groups (`getent group video render`).
  capacity: {
    nodes: 1, cpuPerNode: '16', memoryPerNode: '64Gi',
    gpus: [{ vendor: 'amd', model: 'gfx1103', nodes: 1, perNode: 1, deviceGroups: [44, 992] }],
  },
  // Routes render as Traefik Ingresses (K3s); `routes: 'gateway-api'` renders seed 003's two Gateways.
  // The Let's Encrypt account of the ClusterIssuer: use your own address.
  // Public hostnames resolve to the tunnel, which serves them (seed 000).
  entryPoints: { routes: 'ingress', externalDnsTarget: `${TUNNEL_ID}.cfargotunnel.com`, acme: { email: 'admin@example.com' } },
};


/** Adds one chart to the platform. */
export type ChartFactory = (platform: Platform) => unknown;

/**
 * The app charts, in any order: everything derived from them (tunnel rules, Gateways and
 * certificates, monitoring rules and dashboards, NetworkPolicies, quotas, argocd/) is computed
 * after the last one exists, in the derive phase synthesis runs.
 */
export const PLATFORM_APPS: readonly ChartFactory[] = [
  // Argo CD itself, which `npm run bootstrap` installs and which then manages itself (seed 003).
  platform => new ArgoCdChart(platform),
  platform => new BlogChart(platform),
  // The blog summarizes comment threads with the Ollama app's LLM (seed 004).
  platform => new BunBlogChart(platform, 'bun-blog', { summarizer: ollamaEndpoint('ollama') }),
  platform => new OllamaChart(platform),
  platform => new UrlShortenerChart(platform),
  platform => new CloudflaredChart(platform, 'cloudflared', { tunnelId: TUNNEL_ID }),
  platform => new EdgeChart(platform),
  platform => new SecretsChart(platform),
  platform => new NodeExporterChart(platform),
  // Alloy ships every pod's logs to the monitoring chart's Loki.
  platform => new AlloyChart(platform, 'alloy', { loki: new MonitoringChart(platform).loki }),
  // From an upstream Helm chart (bjw-s app-template, vendor/charts/) and from a folder of plain YAML.
  platform => new MinifluxChart(platform),
  platform => new WhoamiChart(platform),
  // npm run new-app adds app charts above this line.
];

/**
 * What is derived from every app: each namespace closed but for its declared edges, its quota, and
 * argocd/ (with the operators the apps require, as apps of the system layer).
 */
export const PLATFORM_DERIVED: readonly ChartFactory[] = [
  platform => new NetworkPolicies(platform),
  platform => new ResourceQuotas(platform),
  platform => new GitOpsChart(platform),
];

/** Every chart of the platform. */
export const PLATFORM_CHARTS: readonly ChartFactory[] = [...PLATFORM_APPS, ...PLATFORM_DERIVED];

/** The whole platform: its settings and its charts, created in the order given (any order renders the same bytes). */
export function buildPlatform(settings: PlatformSettings = PLATFORM_SETTINGS, charts: readonly ChartFactory[] = PLATFORM_CHARTS): Platform {
  const platform = new Platform(settings);
  for (const chart of charts) chart(platform);
  return platform;
}
