/**
 * The platform on a real control plane: kube-apiserver, kube-controller-manager, kube-scheduler
 * and etcd of the pinned Kubernetes release (test/cluster/), kwok standing in for kubelets.
 * dist/ and argocd/ are applied as Argo CD syncs them, in both route modes, then every workload
 * must roll out, roll again, and honour its disruption budget. Nothing here names an app: the
 * assertions run over whatever the platform renders.
 */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PLATFORM_SETTINGS } from '../charts/platform';
import { formatFinding } from '../lib/cluster/apply';
import { ControlPlane, startControlPlane } from '../lib/cluster/control-plane';
import { listWorkloads, waitForRollouts } from '../lib/cluster/rollout';
import { readObjects } from '../lib/cluster/sources';
import { NodeShape } from '../lib/cluster/nodes';
import { SyncResult, declaredShape, syncFolders, threeNodeShape } from '../lib/cluster/sync';
import { RouteMode, evict, platformRoot, restart, selectorQuery, until } from './support/cluster';

// The first run builds the control plane from source (pretest does it too): allow for it.
const BOOT_TIMEOUT = 90 * 60_000;
const ROLLOUT_MS = 60_000;

const MODES: { routes: RouteMode; shape: NodeShape; nodes: string }[] = [
  { routes: 'ingress', shape: declaredShape(PLATFORM_SETTINGS.capacity), nodes: 'the declared capacity' },
  { routes: 'gateway-api', shape: threeNodeShape(PLATFORM_SETTINGS.capacity), nodes: "seed 002's three nodes" },
];

// Rollouts and evictions wait on controllers: more than the suite's default per test.
vi.setConfig({ testTimeout: 180_000 });

describe.each(MODES)('routes=$routes on $nodes', ({ routes, shape }) => {
  let cp: ControlPlane;
  let sync: SyncResult;
  let root: string;

  beforeAll(async () => {
    root = platformRoot(routes);
    cp = await startControlPlane();
    sync = await syncFolders(cp, [path.join(root, 'argocd'), path.join(root, 'dist')], root, shape);
  }, BOOT_TIMEOUT);

  afterAll(async () => {
    await sync?.stop();
    await cp?.stop();
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
    const workloads = await listWorkloads(cp.client, sync.namespaces);
    expect(workloads.length).toBeGreaterThan(0);
    // Every claim bound: the pods that mount them run.
    const claims = (await cp.client.get('/api/v1/persistentvolumeclaims')).items;
    expect(claims.filter((c: any) => c.status.phase !== 'Bound').map((c: any) => c.metadata.name)).toEqual([]);
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
        const expectAllowed = i < settled.disruptionsAllowed;
        if (expectAllowed && res.status !== 201) failures.push(`${where}: eviction ${i + 1} refused: ${res.body?.message}`);
        if (!expectAllowed) {
          if (res.status !== 429 || !/disruption budget/.test(res.body?.message)) failures.push(`${where}: eviction ${i + 1} beyond the budget answered ${res.status} ${res.body?.message}`);
          break;
        }
      }
    }
    expect(failures).toEqual([]);
    expect(budgets.length).toBeGreaterThan(0);
  });
});
