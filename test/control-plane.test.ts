/**
 * The platform on a real control plane: kube-apiserver, kube-controller-manager, kube-scheduler
 * and etcd of the pinned Kubernetes release (test/cluster/), kwok standing in for kubelets.
 * dist/ and argocd/ are applied as Argo CD syncs them, in both route modes, then every workload
 * must roll out, roll again, and honour its disruption budget. Nothing here names an app: the
 * assertions run over whatever the platform renders.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PLATFORM_SETTINGS } from '../charts/platform';
import { formatFinding } from '../lib/cluster/apply';
import { ControlPlane, startControlPlane } from '../lib/cluster/control-plane';
import { listWorkloads, waitForRollouts, warningEvents } from '../lib/cluster/rollout';
import { readObjects } from '../lib/cluster/sources';
import { NodeShape } from '../lib/cluster/nodes';
import { isGpuResource } from '../lib/platform/gpus';
import { SyncResult, declaredShape, syncFolders, threeNodeShape } from '../lib/cluster/sync';
import { RouteMode, evict, platformRoot, restart, selectorQuery, until } from './support/cluster';
import { REPO_ROOT } from './support/platform';

// The first run builds the control plane from source (pretest does it too): allow for it.
const BOOT_TIMEOUT = 90 * 60_000;
const ROLLOUT_MS = 60_000;

// The committed platform on the nodes it declares; the Gateway API variant synthesized for seed
// 002's three nodes (the declared capacity split in three).
const MODES: { routes: RouteMode; shape: NodeShape; declared: boolean; nodes: string }[] = [
  { routes: 'ingress', shape: declaredShape(PLATFORM_SETTINGS.capacity), declared: true, nodes: 'the declared capacity' },
  { routes: 'gateway-api', shape: threeNodeShape(PLATFORM_SETTINGS.capacity), declared: false, nodes: "seed 002's three nodes" },
];

// Rollouts and evictions wait on controllers: more than the suite's default per test.
vi.setConfig({ testTimeout: 180_000 });

describe.each(MODES)('routes=$routes on $nodes', ({ routes, shape, declared }) => {
  let cp: ControlPlane;
  let sync: SyncResult;
  let root: string;

  beforeAll(async () => {
    root = platformRoot(routes, declared ? undefined : shape);
    cp = await startControlPlane();
    sync = await syncFolders(cp, [path.join(root, 'argocd'), path.join(root, 'dist')], root, shape);
  }, BOOT_TIMEOUT);

  afterAll(async () => {
    await sync?.stop();
    await cp?.stop();
    // A platform synthesized for another shape: the committed one stays.
    if (root && root !== REPO_ROOT) fs.rmSync(root, { recursive: true, force: true });
  });

  it('accepts every object of dist/ and argocd/ with no refusal and no warning', () => {
    expect(sync.findings.map(f => formatFinding(f, root))).toEqual([]);
    const files = [...readObjects(path.join(root, 'argocd')), ...readObjects(path.join(root, 'dist'))];
    expect(sync.applied).toBe(files.length);
  });

  it('stores every object, custom resources and CronJobs included', async () => {
    const missing: string[] = [];
    for (const { file, object } of [...readObjects(path.join(root, 'argocd')), ...readObjects(path.join(root, 'dist'))]) {
      const ns = object.metadata.namespace ?? sync.namespaces.find(n => file.includes(`/${n}/`)) ?? 'default';
      const res = await cp.client.request('GET', cp.client.pathFor(object.apiVersion, object.kind, ns, object.metadata.name));
      if (res.status !== 200) missing.push(`${object.kind} ${object.metadata.name} (${path.relative(root, file)}): ${res.status}`);
    }
    expect(missing).toEqual([]);
  });

  it('rolls out every Deployment, StatefulSet and DaemonSet on the fake nodes', async () => {
    expect(await waitForRollouts(cp.client, sync.namespaces, ROLLOUT_MS)).toEqual([]);
    expect((await listWorkloads(cp.client, sync.namespaces)).length).toBeGreaterThan(0);
  });

  it('schedules every pod that asks for a GPU on a node whose device plugin offers it, of the model it selects', async () => {
    const nodes = new Map((await cp.client.get('/api/v1/nodes')).items.map((n: any) => [n.metadata.name, n]));
    const pods = (await cp.client.get('/api/v1/pods')).items.filter((p: any) => sync.namespaces.includes(p.metadata.namespace));
    const gpuPods = pods.filter((p: any) => p.spec.containers.some((c: any) => Object.keys(c.resources?.limits ?? {}).some(isGpuResource)));
    const misplaced: string[] = [];
    for (const pod of gpuPods) {
      const node: any = nodes.get(pod.spec.nodeName);
      const where = `${pod.metadata.namespace}/${pod.metadata.name} on ${pod.spec.nodeName ?? 'no node'}`;
      if (!node) { misplaced.push(`${where}: not scheduled`); continue; }
      for (const [key, value] of Object.entries(pod.spec.nodeSelector ?? {})) if (node.metadata.labels[key] !== value) misplaced.push(`${where}: node label ${key} is not ${value}`);
      for (const c of pod.spec.containers) {
        for (const [resource, count] of Object.entries(c.resources?.limits ?? {}).filter(([r]) => isGpuResource(r))) {
          if (Number(node.status.allocatable[resource] ?? 0) < Number(count)) misplaced.push(`${where}: node offers ${node.status.allocatable[resource] ?? 0} ${resource}, container ${c.name} asks for ${count}`);
        }
      }
    }
    expect(misplaced).toEqual([]);
    // Every GPU pod the rendered Deployments and StatefulSets ask for is there.
    const rendered = readObjects(path.join(root, 'dist')).map(f => f.object)
      .filter(o => ['Deployment', 'StatefulSet'].includes(o.kind) && (o.spec?.template?.spec?.containers ?? []).some((c: any) => Object.keys(c.resources?.limits ?? {}).some(isGpuResource)));
    expect(gpuPods.length).toBe(rendered.reduce((n, o) => n + (o.spec.replicas ?? 1), 0));
  });

  it('runs one Job of every CronJob to completion, within its quota, its claims bound', async () => {
    const cronJobs = (await cp.client.get('/apis/batch/v1/cronjobs')).items.filter((c: any) => sync.namespaces.includes(c.metadata.namespace));
    const failures: string[] = [];
    for (const cron of cronJobs) {
      const { namespace, name } = cron.metadata;
      // What `kubectl create job --from=cronjob/<name>` sends.
      const job = {
        apiVersion: 'batch/v1', kind: 'Job',
        metadata: { name: `${name}-test`, namespace, labels: cron.spec.jobTemplate.metadata?.labels, annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' } },
        spec: cron.spec.jobTemplate.spec,
      };
      const res = await cp.client.request('POST', `/apis/batch/v1/namespaces/${namespace}/jobs`, job);
      if (res.status != 201) { failures.push(`CronJob ${namespace}/${name}: ${res.body?.message}`); continue; }
      const done = await until(async () => {
        const s = (await cp.client.get(`/apis/batch/v1/namespaces/${namespace}/jobs/${name}-test`)).status;
        return s?.conditions?.some((c: any) => c.type === 'Complete' && c.status === 'True');
      }, ROLLOUT_MS);
      if (!done) failures.push(`Job ${namespace}/${name}-test did not complete${await warningEvents(cp.client, namespace)}`);
    }
    expect(failures).toEqual([]);
    // Every claim is bound once its pod has run (local-path binds on first use).
    const claims = (await cp.client.get('/api/v1/persistentvolumeclaims')).items;
    expect(claims.filter((c: any) => c.status.phase !== 'Bound').map((c: any) => `${c.metadata.namespace}/${c.metadata.name}`)).toEqual([]);
  });

  it('rolls every Deployment and StatefulSet again after a pod-template change, within its quota', async () => {
    const workloads = (await listWorkloads(cp.client, sync.namespaces)).filter(w => w.kind !== 'DaemonSet');
    for (const w of workloads) expect((await restart(cp.client, w.kind, w.namespace, w.name, String(Date.now()))).status).toBe(200);
    expect(await waitForRollouts(cp.client, sync.namespaces, ROLLOUT_MS)).toEqual([]);
  });

  it('lets each PodDisruptionBudget evict what it allows, then refuses the eviction that would break it', async () => {
    const budgets = (await cp.client.get('/apis/policy/v1/poddisruptionbudgets')).items
      .filter((b: any) => sync.namespaces.includes(b.metadata.namespace));
    const failures: string[] = [];
    // As `kubectl drain` does: with the nodes cordoned, an evicted pod's replacement stays Pending,
    // so the budget stays spent and the next eviction meets it.
    const cordon = async (unschedulable: boolean) => {
      for (const node of (await cp.client.get('/api/v1/nodes')).items) {
        await cp.client.request('PATCH', `/api/v1/nodes/${node.metadata.name}`, { spec: { unschedulable } }, 'application/merge-patch+json');
      }
    };
    await cordon(true);
    for (const pdb of budgets) {
      const { namespace, name } = pdb.metadata;
      const where = `PodDisruptionBudget ${namespace}/${name}`;
      const pods = (await cp.client.get(`/api/v1/namespaces/${namespace}/pods?labelSelector=${selectorQuery(pdb.spec.selector)}`)).items
        .filter((p: any) => !p.metadata.deletionTimestamp);
      // The disruption controller has counted every healthy pod.
      const settled = await until(async () => {
        const s = (await cp.client.get(`/apis/policy/v1/namespaces/${namespace}/poddisruptionbudgets/${name}`)).status ?? {};
        return s.observedGeneration >= pdb.metadata.generation && s.currentHealthy === pods.length ? s : undefined;
      }, 20_000);
      if (!settled) { failures.push(`${where}: status never counted its ${pods.length} pods`); continue; }
      if (pods.length > 1 && settled.disruptionsAllowed < 1) failures.push(`${where}: allows no eviction of its ${pods.length} pods`);
      for (let i = 0; i < pods.length; i++) {
        const res = await evict(cp.client, namespace, pods[i].metadata.name);
        if (i < settled.disruptionsAllowed) {
          if (res.status !== 201) failures.push(`${where}: eviction ${i + 1} of ${settled.disruptionsAllowed} allowed refused: ${res.status} ${res.body?.message}`);
          continue;
        }
        if (res.status !== 429 || !/disruption budget/.test(res.body?.message)) failures.push(`${where}: eviction ${i + 1} beyond the budget answered ${res.status} ${res.body?.message ?? ''}`);
        break;
      }
    }
    await cordon(false);
    expect(failures).toEqual([]);
    expect(budgets.length).toBeGreaterThan(0);
  });
});
