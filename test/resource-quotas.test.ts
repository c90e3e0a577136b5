import { describe, expect, it } from 'vitest';
import { buildPlatform } from '../charts/platform';
import { parseQuantity } from '../lib/k8s/quantity';
import { GitOpsChart } from '../lib/gitops/gitops-chart';
import { AppChart } from '../lib/platform/app-chart';
import { Platform } from '../lib/platform/platform';
import { CONTAINER_DEFAULTS, QUOTA_HEADROOM, ResourceQuotas, needsOf } from '../lib/platform/resource-quotas';
import { WebService } from '../lib/web/web-service';
import { workloadsOf } from '../lib/model';
import { renderAndValidate } from '../lib/synth/synthesize';

const platform = buildPlatform();
const { objects } = renderAndValidate(() => platform).rendering;
const inNamespace = (kind: string, ns: string) => objects.map(o => o.manifest as any).filter(m => m.kind === kind && m.metadata.namespace === ns);
const q = (value: string) => parseQuantity(value)!;
// Apps that run pods; the edge and secrets apps hold only cluster objects and get no quota.
const runningApps = platform.apps.filter(app => workloadsOf(objects.filter(o => o.file.startsWith(`${app.outputDir}/`)), 1).length > 0);

describe('ResourceQuota and LimitRange per app namespace', () => {
  it('give every app namespace that runs pods one ResourceQuota and one LimitRange, named after the app', () => {
    expect(runningApps.length).toBeGreaterThanOrEqual(7);
    for (const app of runningApps) {
      expect(inNamespace('ResourceQuota', app.namespace).map(m => m.metadata.name), app.appName).toEqual([app.appName]);
      expect(inNamespace('LimitRange', app.namespace).map(m => m.metadata.name), app.appName).toEqual([app.appName]);
    }
  });

  it('cover every pod at its maximum plus each rollout\'s surge pod, requests and limits, with at most 1.5x and rounding on top', () => {
    for (const app of runningApps) {
      const needs = needsOf(workloadsOf(objects.filter(o => o.file.startsWith(`${app.outputDir}/`)), 1));
      const hard = inNamespace('ResourceQuota', app.namespace)[0].spec.hard;
      const checks: [string, number][] = [
        ['pods', needs.pods], ['requests.cpu', needs.requests.cpu], ['requests.memory', needs.requests.memory],
        ['limits.cpu', needs.limits.cpu], ['limits.memory', needs.limits.memory],
      ];
      for (const [key, need] of checks) {
        expect(q(hard[key]), `${app.appName} ${key}`).toBeGreaterThanOrEqual(need);
        const rounding = key.endsWith('cpu') ? 0.1 : key.endsWith('memory') ? 64 * 1024 * 1024 : 1;
        expect(q(hard[key]), `${app.appName} ${key}`).toBeLessThanOrEqual(need * QUOTA_HEADROOM + rounding);
      }
    }
  });

  it('size the blog\'s quota from its own pods: NGINX 1+1 surge, web 2+1 surge, PostgreSQL 1, Valkey 1, times 1.5', () => {
    // requests: 2 x 50m + 3 x 250m + 250m + 110m = 1210m -> 1815m -> 1900m; 2 x 32Mi + 3 x 384Mi + 256Mi + 144Mi = 1616Mi -> 2424Mi -> 2432Mi
    expect(inNamespace('ResourceQuota', 'blog')[0].spec.hard).toEqual({
      pods: '11',
      'requests.cpu': '1900m',
      'requests.memory': '2432Mi',
      'limits.cpu': '7700m',
      'limits.memory': '5888Mi',
    });
  });

  it('count CloudNativePG instances, its join Job and the Pooler\'s pods through their specs', () => {
    const workloads = workloadsOf(objects.filter(o => o.file.startsWith('dist/apps/url-shortener/')), 1);
    const cluster = workloads.find(w => w.kind === 'Cluster')!;
    const pooler = workloads.find(w => w.kind === 'Pooler')!;
    expect([cluster.pods, cluster.surge, pooler.pods, pooler.surge]).toEqual([3, 1, 2, 1]);
  });

  it('give containers that set no resources small defaults through the LimitRange', () => {
    for (const app of runningApps) {
      expect(inNamespace('LimitRange', app.namespace)[0].spec).toEqual({
        limits: [{ type: 'Container', defaultRequest: CONTAINER_DEFAULTS.defaultRequest, default: CONTAINER_DEFAULTS.default }],
      });
    }
  });

  it('take the headroom as a setting: 1 leaves exactly the pods, requests and limits of a 2-replica service and its surge pod', () => {
    const p = new Platform({ repoURL: 'https://git.example.com/t.git' });
    const chart = new AppChart(p, 'shop', { category: 'apps' });
    new WebService(chart, 'web', { image: 'shop:1.0.0', port: 8080, replicas: 2, resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '200m', memory: '256Mi' } } });
    new ResourceQuotas(p, 'resource-quotas', { headroom: 1 });
    new GitOpsChart(p);
    const quota = renderAndValidate(() => p).rendering.objects.map(o => o.manifest as any).find(m => m.kind === 'ResourceQuota');
    expect(quota.spec.hard).toEqual({ pods: '3', 'requests.cpu': '300m', 'requests.memory': '384Mi', 'limits.cpu': '600m', 'limits.memory': '768Mi' });
  });

  it('refuse a headroom below 1, which would not fit the pods the app declares', () => {
    const p = new Platform({ repoURL: 'https://git.example.com/t.git' });
    expect(() => new ResourceQuotas(p, 'resource-quotas', { headroom: 0.8 })).toThrow('resource-quotas: headroom: must be at least 1, or pods the app declares would not fit (got 0.8)');
  });
});
