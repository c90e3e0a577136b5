/**
 * Negative controls: the real API server, controllers and CRDs refuse what they must, with their
 * own message. Proves the cluster test can fail: each broken object here is one the platform test
 * would report.
 */
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PLATFORM_SETTINGS } from '../charts/platform';
import { applyObjects, ensureNamespace } from '../lib/cluster/apply';
import { message } from '../lib/cluster/client';
import { ControlPlane, startControlPlane } from '../lib/cluster/control-plane';
import { listWorkloads, notRolledOut, warningEvents } from '../lib/cluster/rollout';
import { SyncResult, declaredShape, syncFolders } from '../lib/cluster/sync';
import { needsOf, workloadsOf } from '../lib/model';
import { CONTAINER_DEFAULTS, quotaOf } from '../lib/platform/resource-quotas';
import { restart, until } from './support/cluster';
import { validateIn } from './support/good-app';
import { tempDir } from './support/platform';

const NS = 'negative';
const labels = (name: string) => ({ 'app.kubernetes.io/name': name });

/** A Deployment that meets `restricted`, with requests and limits, for the controls to break. */
function deployment(name: string, replicas = 1, cpu = '100m'): any {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: NS },
    spec: {
      replicas, selector: { matchLabels: labels(name) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: labels(name) },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'app', image: 'registry.example.com/app:1.0.0',
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            resources: { requests: { cpu, memory: '64Mi' }, limits: { cpu, memory: '64Mi' } },
          }],
        },
      },
    },
  };
}

/** The rules `npm run validate` breaks on the same objects: what the server refuses, the offline validator refuses too. */
const offlineDir = tempDir('negative-offline-');
const refusedOffline = (name: string, ...objects: any[]) => [...new Set(validateIn(offlineDir, name, objects).errors.map(f => f.rule))];

// Rollouts and evictions wait on controllers: more than the suite's default per test.
vi.setConfig({ testTimeout: 180_000 });

describe('negative controls on the real control plane', () => {
  let cp: ControlPlane;
  let sync: SyncResult;

  beforeAll(async () => {
    cp = await startControlPlane();
    // Nodes, storage and the Gateway API CRDs only: no folder to apply.
    sync = await syncFolders(cp, [], process.cwd(), declaredShape(PLATFORM_SETTINGS.capacity), ['gateway.networking.k8s.io']);
    const levels = ['enforce', 'warn', 'audit'].map(m => [`pod-security.kubernetes.io/${m}`, 'restricted']);
    expect(await ensureNamespace(cp.client, NS, Object.fromEntries(levels))).toEqual([]);
  }, 90 * 60_000);

  afterAll(async () => {
    await sync?.stop();
    await cp?.stop();
    fs.rmSync(offlineDir, { recursive: true, force: true });
  });

  it('refuses an HPA whose minReplicas exceeds maxReplicas', async () => {
    const hpa = {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'inverted', namespace: NS },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'x' }, minReplicas: 5, maxReplicas: 2 },
    };
    expect(refusedOffline('inverted', hpa)).toContain('api.hpa-replicas');
    const res = await cp.client.apply(hpa);
    expect(res.status).toBe(422);
    expect(message(res)).toMatch(/spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`/);
  });

  it('warns about a pod template that violates restricted, and refuses its pods', async () => {
    const bad = deployment('privileged');
    bad.spec.template.spec.containers[0].securityContext = { privileged: true };
    expect(refusedOffline('privileged', bad)).toContain('pod-security.privileged');
    const findings = await applyObjects(cp.client, [{ file: 'negative.yaml', object: bad }]);
    expect(findings.map(f => f.severity)).toContain('warning');
    expect(findings.map(f => f.message).join('\n')).toMatch(/would violate PodSecurity "restricted:latest": privileged/);
    const events = await until(async () => {
      const text = await warningEvents(cp.client, NS);
      return /FailedCreate: .*violates PodSecurity "restricted:latest"/.test(text) ? text : '';
    }, 20_000);
    expect(events).toMatch(/forbidden: violates PodSecurity/);
  });

  it('stalls a rollout whose quota leaves no room for the surge pod', async () => {
    const quota = {
      apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'tight', namespace: NS },
      spec: { hard: { 'requests.cpu': '200m', 'limits.cpu': '200m' } },
    };
    expect(refusedOffline('tight', quota, deployment('tight', 2))).toContain('quota-rollout');
    expect(await applyObjects(cp.client, [{ file: 'quota.yaml', object: quota }, { file: 'tight.yaml', object: deployment('tight', 2) }])).toEqual([]);
    // Two pods fit exactly; rolled out.
    const rolledOut = await until(async () => {
      const tight = (await listWorkloads(cp.client, [NS])).find(w => w.name === 'tight');
      return tight && !notRolledOut(tight);
    }, 30_000);
    expect(rolledOut).toBe(true);
    expect((await restart(cp.client, 'Deployment', NS, 'tight', 'now')).status).toBe(200);
    // The ReplicaSet's refusal, as the Deployment reports it (condition ReplicaFailure) or as an event.
    const refusal = await until(async () => {
      const d = await cp.client.get(`/apis/apps/v1/namespaces/${NS}/deployments/tight`);
      const condition = d.status?.conditions?.find((c: any) => c.type === 'ReplicaFailure')?.message ?? '';
      const text = `${condition}\n${await warningEvents(cp.client, NS, 'tight')}`;
      return /exceeded quota: tight/.test(text) ? text : '';
    }, 60_000);
    expect(refusal).toMatch(/forbidden: exceeded quota: tight, requested: limits.cpu=100m,requests.cpu=100m/);
    // The ReplicaSet controller may report the refusal before the Deployment controller has
    // written the new generation's status: the stall is read once it has.
    let reason: string | undefined;
    await until(async () => {
      reason = notRolledOut((await listWorkloads(cp.client, [NS])).find(w => w.name === 'tight')!);
      return reason !== 'the controller has not seen the latest spec';
    }, 30_000);
    expect(reason).toMatch(/updated/);
  });

  it('refuses an HTTPRoute that breaks a Gateway API CEL rule', async () => {
    const route = {
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'no-port', namespace: NS },
      spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'svc' }] }] },
    };
    expect(refusedOffline('no-port', route)).toContain('crd-validation');
    const res = await cp.client.apply(route);
    expect(res.status).toBe(422);
    expect(message(res)).toMatch(/Must have port for Service reference/);
  });

  it('refuses an unknown field under server-side field validation Strict', async () => {
    const bad = deployment('typo');
    bad.spec.replicaz = 2;
    expect(refusedOffline('typo', bad)).toContain('schema');
    const res = await cp.client.apply(bad);
    // Server-side apply reports it while building the typed patch, before any defaulting.
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(message(res)).toMatch(/\.spec\.replicaz: field not declared in schema/);
  });

  it('refuses a NetworkPolicy whose ipBlock is not a valid CIDR, or whose except is not inside it', async () => {
    const egress = (name: string, ipBlock: object) => ({
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: NS },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock }] }] },
    });
    const cases: [any, RegExp][] = [
      [egress('bad-mask', { cidr: '10.0.0.0/33' }), /spec\.egress\[0\]\.to\[0\]\.ipBlock\.cidr: Invalid value: "10\.0\.0\.0\/33": must be a valid CIDR value/],
      [egress('host-bits', { cidr: '10.0.0.1/24' }), /ipBlock\.cidr: Invalid value: "10\.0\.0\.1\/24": must not have bits set beyond the prefix length/],
      [egress('except-outside', { cidr: '10.0.0.0/16', except: ['192.168.0.0/24'] }), /ipBlock\.except\[0\]: Invalid value: "192\.168\.0\.0\/24": must be a strict subset of `cidr`/],
    ];
    for (const [policy, refusal] of cases) {
      expect(refusedOffline(policy.metadata.name, policy), policy.metadata.name).toContain('api.cidr');
      const res = await cp.client.apply(policy);
      expect(res.status, policy.metadata.name).toBe(422);
      expect(message(res)).toMatch(refusal);
    }
  });

  it("admits a pod that sets no CPU limit at the LimitRange's default: a quota that leaves it out refuses the pod, the platform's sums count it", async () => {
    const ns = 'negative-limits';
    expect(await ensureNamespace(cp.client, ns, {})).toEqual([]);
    const limitRange = {
      apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'echo', namespace: ns },
      spec: { limits: [{ type: 'Container', defaultRequest: CONTAINER_DEFAULTS.defaultRequest, default: CONTAINER_DEFAULTS.default }] },
    };
    // The plain-YAML app: a memory limit and no CPU limit.
    const echo = deployment('echo');
    echo.metadata.namespace = ns;
    echo.spec.template.spec.containers[0].resources = { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } };
    const quota = (hard: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'echo', namespace: ns }, spec: { hard } });
    // What the sums gave before they applied the LimitRange: no CPU limit counted, rounded up to 100m.
    const blind = quota({ 'requests.cpu': '100m', 'limits.cpu': '100m' });
    expect(refusedOffline('blind', limitRange, blind, echo)).toContain('quota-rollout');
    expect(await applyObjects(cp.client, [{ file: 'limits.yaml', object: limitRange }, { file: 'quota.yaml', object: blind }, { file: 'echo.yaml', object: echo }])).toEqual([]);
    const refusal = await until(async () => {
      const text = await warningEvents(cp.client, ns);
      return /exceeded quota: echo/.test(text) ? text : '';
    }, 60_000);
    expect(refusal).toMatch(/requested: limits\.cpu=250m.*limited: limits\.cpu=100m/);

    // The platform's quota for the same objects, summed with the LimitRange's defaults, admits it.
    const sized = quota(quotaOf(needsOf(workloadsOf([{ file: 'echo.yaml', manifest: limitRange }, { file: 'echo.yaml', manifest: echo }], 1))));
    expect(sized.spec.hard['limits.cpu']).toBe('800m');
    expect(refusedOffline('sized', limitRange, sized, echo)).not.toContain('quota-rollout');
    expect(await applyObjects(cp.client, [{ file: 'quota.yaml', object: sized }])).toEqual([]);
    const rolledOut = await until(async () => {
      const w = (await listWorkloads(cp.client, [ns])).find(x => x.name === 'echo');
      return w && !notRolledOut(w);
    }, 60_000);
    expect(rolledOut).toBe(true);
  });
});
