/**
 * The platform synced by the real Argo CD (built at the pinned version, scripts/build-argocd.sh)
 * on the real control plane: bootstrapped as docs/operations.md says, from a local git repository serving
 * the working tree's argocd/ and dist/. Nothing here names an app: each assertion runs over what
 * argocd/ and dist/ hold, and the commits below pick their apps by what they contain.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PLATFORM_SETTINGS } from '../charts/platform';
import { UNCHECKED_HEALTH } from '../lib/cluster/argocd-health';
import { argocdReport } from '../lib/cluster/argocd-report';
import { AppStatus, listApplicationSets, listApplications, refresh, refreshApplicationSet } from '../lib/cluster/argocd-status';
import { ArgoCdSync, Convergence, settledHealth, startArgoCdSync, terminateOperation, waitForApplications } from '../lib/cluster/argocd-sync';
import { ControlPlane, startControlPlane } from '../lib/cluster/control-plane';
import { declaredShape } from '../lib/cluster/sync';
import { AppSource, readObjects } from '../lib/cluster/sources';
import { REPO_ROOT } from './support/platform';
import { until } from './support/cluster';

// The first run builds the control plane and Argo CD from source (pretest does it too).
const BOOT_TIMEOUT = 90 * 60_000;
const SYNC_TIMEOUT = 300_000;
vi.setConfig({ testTimeout: 240_000 });

/** The folders dist/<category>/<app> that hold objects: one Application each. */
function appFolders(root: string): string[] {
  return fs.readdirSync(path.join(root, 'dist'), { withFileTypes: true }).filter(e => e.isDirectory())
    .flatMap(c => fs.readdirSync(path.join(root, 'dist', c.name), { withFileTypes: true }).filter(e => e.isDirectory()).map(e => `dist/${c.name}/${e.name}`))
    .sort();
}

/** An object of an app folder, as the API server path of its live copy. */
function livePath(cp: ControlPlane, object: any, namespace: string): string {
  return cp.client.pathFor(object.apiVersion, object.kind, object.metadata.namespace ?? namespace, object.metadata.name);
}

const withData = (o: any) => o.kind === 'ConfigMap' && Object.keys(o.data ?? {}).length > 0;

describe('the real Argo CD', () => {
  let cp: ControlPlane;
  let sync: ArgoCdSync;
  let synced: Convergence;

  beforeAll(async () => {
    cp = await startControlPlane();
    sync = await startArgoCdSync(cp, REPO_ROOT, declaredShape(PLATFORM_SETTINGS.capacity));
    synced = await waitForApplications(cp, sync, SYNC_TIMEOUT);
  }, BOOT_TIMEOUT);

  afterAll(async () => {
    await sync?.stop();
    await cp?.stop();
  });

  const apps = () => listApplications(cp.client, sync.plan.namespace);
  /**
   * Commits a change to the served repository and has Argo CD read it now: a hard refresh, as the
   * repo-server otherwise answers from the branch's revision it cached (for 3 minutes by default),
   * and an Application may compare against the commit before.
   */
  const commit = async (message: string, change: (tree: string) => void): Promise<string> => {
    const revision = sync.git.commit(message, change);
    await readAgain(revision);
    return revision;
  };
  /**
   * Has the ApplicationSets, and every Application whose folder changed since the revision it is at,
   * read git again. A refresh asked while Argo CD is comparing an Application is dropped with that
   * comparison's end; without another, it would wait for the periodic one (2 to 3 minutes). The
   * Applications a commit leaves as they were are not asked: each comparison has the API server
   * dry-run every object of the app (server-side diff), and the commits below touch one or three apps.
   */
  const readAgain = async (revision: string) => {
    const sets = sync.declared.map(a => a.generatedBy).filter((s): s is string => Boolean(s));
    await Promise.all([...new Set(sets)].map(s => refreshApplicationSet(cp.client, sync.plan.namespace, s)));
    // Most Applications are at the same revision: one diff each.
    const changedSince = new Map<string, string[]>();
    const changed = (at: string) => changedSince.get(at) ?? changedSince.set(at, sync.git.changed(at, revision)).get(at)!;
    const touched = (a: AppStatus) => {
      const at = a.object.status?.sync?.revision;
      if (!at || !a.path) return true;
      return at !== revision && changed(at).some(f => f.startsWith(`${a.path}/`));
    };
    await Promise.all((await apps()).filter(touched).map(a => refresh(cp.client, sync.plan.namespace, a.name, true)));
  };
  /** Polls `check` each second until it holds or `timeoutMs` passes, asking Argo CD every 10 s to read `revision` again. */
  const untilRead = async <T>(revision: string, check: () => Promise<T>, timeoutMs: number): Promise<T> => {
    let askedAt = Date.now();
    return until(async () => {
      if (Date.now() - askedAt > 10_000) {
        askedAt = Date.now();
        await readAgain(revision);
      }
      return check();
    }, timeoutMs, 1000);
  };

  it('brings every Application to Synced after `npm run bootstrap`, with no error on the way', () => {
    // An AppProject created after the ApplicationSet naming it made Argo CD wait 180 s to retry:
    // every error condition, even one that cleared, is a stall.
    expect(synced.errors.map(e => `${e.where}: ${e.message}`)).toEqual([]);
    expect(synced.outcome).toBe('synced');
    // An ApplicationSet that fails on a missing AppProject retries after 180 s.
    expect(synced.generatedMs).toBeLessThan(150_000);
  });

  it('generates exactly one Application per app folder, with the name, project and namespace argocd/ declares', () => {
    const real = synced.apps.filter(a => a.path !== 'argocd');
    expect(real.map(a => a.path).sort()).toEqual(appFolders(sync.git.tree));
    // Our model of the generators (the emulated sync of `cluster:check`) agrees with Argo CD.
    const model = (a: AppSource) => ({ name: a.name, path: path.relative(sync.git.tree, a.folder), project: a.project, namespace: a.namespace });
    const live = (a: AppStatus) => ({ name: a.name, path: a.path, project: a.project, namespace: a.destination });
    const order = (x: { name: string }, y: { name: string }) => x.name.localeCompare(y.name);
    expect(real.map(live).sort(order)).toEqual(sync.declared.map(model).sort(order));
  });

  it("gives each app's namespace the Pod Security labels its Application declares", async () => {
    const wrong: string[] = [];
    for (const app of sync.declared) {
      const labels = (await cp.client.get(`/api/v1/namespaces/${app.namespace}`)).metadata.labels ?? {};
      for (const [key, value] of Object.entries(app.namespaceLabels)) if (labels[key] !== value) wrong.push(`${app.namespace}: ${key}=${labels[key]}, not ${value}`);
    }
    expect(wrong).toEqual([]);
  });

  /** Every Application as Argo CD compared it again once everything was synced. */
  let settled: AppStatus[] = [];

  it('finds every resource Healthy, but those whose health needs an operator or metrics-server the cluster does not run', async () => {
    const { apps: compared, findings } = await settledHealth(cp, sync);
    settled = compared;
    expect(findings.filter(f => !f.unchecked).map(f => `${f.app}: ${f.resource} ${f.health} ${f.message}`)).toEqual([]);
    // The kinds left unchecked are only ever those listed, each with its reason.
    for (const f of findings) expect(f.unchecked).toBeTruthy();
    expect(UNCHECKED_HEALTH.every(u => u.because.length > 0)).toBe(true);
  });

  it('keeps every Application Synced when Argo CD compares again: no perpetual diff', () => {
    // A field the API server defaults and the YAML leaves out would read as drift here.
    const drifted = settled.flatMap(a => a.resources.filter(r => r.sync !== 'Synced').map(r => `${a.name}: ${r.kind} ${r.namespace ?? ''}/${r.name} ${r.sync}`));
    expect(settled.length).toBe(synced.apps.length);
    expect(drifted).toEqual([]);
    expect(settled.filter(a => a.sync !== 'Synced').map(a => a.name)).toEqual([]);
  });

  it('finds the CRDs bootstrap installed as it would apply them: its sync of them changed nothing', async () => {
    expect(sync.plan.crds.length).toBeGreaterThan(0);
    const changed: string[] = [];
    for (const [name, version] of sync.crdVersions) {
      const live = await cp.client.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      if (live.metadata.resourceVersion !== version) changed.push(`${name}: ${JSON.stringify(live.metadata.managedFields?.map((m: any) => m.manager))}`);
    }
    expect(changed).toEqual([]);
  });

  it('undoes a change made by hand to a live object (selfHeal)', async () => {
    const app = sync.declared.find(a => a.generatedBy && readObjects(a.folder).some(s => withData(s.object)))!;
    const configMap = readObjects(app.folder).map(s => s.object).find(withData);
    const key = Object.keys(configMap.data).sort()[0];
    const url = livePath(cp, configMap, app.namespace);
    const res = await cp.client.request('PATCH', url, { data: { [key]: 'changed by hand' } }, 'application/merge-patch+json');
    expect(res.status).toBe(200);
    const restored = await until(async () => (await cp.client.get(url)).data?.[key] === configMap.data[key], 90_000, 500);
    expect(restored).toBe(true);
  });

  it('reports a misspelt template key of an ApplicationSet as its error, and `cluster:check --argocd` exits 2 naming it', async () => {
    const set = readObjects(path.join(sync.git.tree, 'argocd')).find(s => s.object.kind === 'ApplicationSet')!;
    const original = fs.readFileSync(set.file, 'utf8');
    const misspelt = await commit('a misspelt template key', () => fs.writeFileSync(set.file, original.replace('{{.path.basename}}', '{{.path.basenam}}')));
    const failing = await untilRead(misspelt, async () => (await listApplicationSets(cp.client, sync.plan.namespace)).some(x => x.errors.length), 120_000);
    expect(failing).toBe(true);
    const result = await waitForApplications(cp, sync, 1000);
    const report = argocdReport(result, [], sync.declared, sync.git.tree);
    expect(report.code).toBe(2);
    expect(report.lines.join('\n')).toMatch(new RegExp(`ERROR ApplicationSet ${set.object.metadata.name} \\(argocd/applicationset-${set.object.metadata.name}.yaml\\).*basenam`));
    // Argo CD keeps the Applications the set generated before the error.
    expect((await apps()).map(a => a.name)).toEqual(expect.arrayContaining(sync.declared.filter(a => a.generatedBy === set.object.metadata.name).map(a => a.name)));
    const reverted = await commit('revert', () => fs.writeFileSync(set.file, original));
    const fixed = await untilRead(reverted, async () => (await listApplicationSets(cp.client, sync.plan.namespace)).every(x => !x.errors.length), 120_000);
    expect(fixed).toBe(true);
  });

  it("leaves an Application SyncFailed with the API server's message when a commit holds an object it refuses, and the rest of the app in place", async () => {
    const app = sync.declared.find(a => a.generatedBy)!;
    const objects = readObjects(app.folder).map(s => s.object).filter(o => cp.client.resource(o.apiVersion, o.kind)?.namespaced);
    const refused = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'refused', namespace: app.namespace }, spec: { selector: { app: 'refused' }, ports: [{ port: 70000 }] } };
    const file = path.join(app.folder, 'service-refused.yaml');
    const refusing = await commit('an object the API server refuses', () => fs.writeFileSync(file, JSON.stringify(refused)));
    const failed = await untilRead(refusing, async () => (await apps()).find(a => a.name === app.name && a.failed.length), 120_000);
    expect(failed && failed.failed.join('\n')).toMatch(/Service .*refused: .*Invalid value: 70000: must be between 1 and 65535/);
    expect(failed && failed.sync).toBe('OutOfSync');
    const report = argocdReport(await waitForApplications(cp, sync, 1000), [], sync.declared, sync.git.tree);
    expect(report.code).toBe(2);
    expect(report.lines.join('\n')).toContain(`ERROR Application ${app.name} (${path.relative(sync.git.tree, file)})`);
    // Nothing of what the app had was pruned or lost on the way.
    const lost = [];
    for (const o of objects) if ((await cp.client.request('GET', livePath(cp, o, app.namespace))).status !== 200) lost.push(`${o.kind} ${o.metadata.name}`);
    expect(lost).toEqual([]);
    // Argo CD retries the failed revision (5 s doubling to 3 min) before it syncs a newer one: end
    // the retries, as `argocd app terminate-op` does, and the revert syncs at once.
    expect((await terminateOperation(cp, sync.plan.namespace, app.name)).status).toBe(200);
    const revert = await commit('revert', () => fs.rmSync(file));
    const healed = await untilRead(revert, async () => (await apps()).find(a => a.name === app.name && a.sync === 'Synced' && a.object.status?.sync?.revision === revert), 120_000);
    expect(healed).toBeTruthy();
  });

  it('prunes what a commit removes, but keeps claims marked Prune=false and the apps of categories that preserve resources', async () => {
    const generated = sync.declared.filter(a => a.generatedBy);
    const preserving = (a: AppSource) => readObjects(path.join(sync.git.tree, 'argocd')).some(s => s.object.kind === 'ApplicationSet' && s.object.metadata.name === a.generatedBy && s.object.spec.syncPolicy?.preserveResourcesOnDeletion);
    const keptApp = generated.find(preserving)!;
    const prunedApp = generated.find(a => !preserving(a))!;
    // An app that stays, with a claim and a ConfigMap to remove from its folder.
    const staying = generated.find(a => a !== keptApp && readObjects(a.folder).some(s => s.object.kind === 'PersistentVolumeClaim') && readObjects(a.folder).some(s => s.object.kind === 'ConfigMap'))!;
    const claim = readObjects(staying.folder).find(s => s.object.kind === 'PersistentVolumeClaim')!;
    const configMap = readObjects(staying.folder).find(s => s.object.kind === 'ConfigMap')!;
    const namespaced = (a: AppSource) => readObjects(a.folder).filter(s => cp.client.resource(s.object.apiVersion, s.object.kind)?.namespaced).map(s => s.object);
    // What the cluster holds of them, read before their files go.
    const keptObjects = namespaced(keptApp);
    const prunedObjects = namespaced(prunedApp);
    const removal = await commit('remove two apps, a claim and a ConfigMap', () => {
      for (const a of [keptApp, prunedApp]) fs.rmSync(a.folder, { recursive: true });
      for (const f of [claim.file, configMap.file]) fs.rmSync(f);
    });
    const status = async (url: string) => (await cp.client.request('GET', url)).status;
    // What is still there, for the failure message.
    let left: string[] = [];
    const gone = await untilRead(removal, async () => {
      left = [];
      for (const a of await apps()) if (a.name === keptApp.name || a.name === prunedApp.name) left.push(`Application ${a.name} (${a.sync}/${a.health}, operation ${a.operation?.phase}: ${a.operation?.message}, conditions ${JSON.stringify(a.conditions)}, finalizers ${JSON.stringify(a.object.metadata.finalizers ?? [])}, deleting: ${Boolean(a.object.metadata.deletionTimestamp)})`);
      for (const o of prunedObjects) {
        const res = await cp.client.request('GET', livePath(cp, o, prunedApp.namespace));
        if (res.status !== 404) left.push(`${o.kind} ${prunedApp.namespace}/${o.metadata.name} (${res.status}, finalizers ${JSON.stringify(res.body?.metadata?.finalizers ?? [])}, deleting: ${Boolean(res.body?.metadata?.deletionTimestamp)})`);
      }
      // Read once: pruned between a status check and a second read, it would fail the read.
      const liveConfigMap = await cp.client.request('GET', livePath(cp, configMap.object, staying.namespace));
      if (liveConfigMap.status !== 404) {
        const app = (await apps()).find(a => a.name === staying.name);
        const live = liveConfigMap.body;
        const listed = (app?.object.status?.resources ?? []).find((r: any) => r.kind === 'ConfigMap' && r.name === configMap.object.metadata.name);
        left.push(`ConfigMap ${staying.namespace}/${configMap.object.metadata.name} (annotations ${JSON.stringify(live.metadata.annotations)}; in the app's resources: ${JSON.stringify(listed)}; Application ${staying.name}: ${app?.sync}/${app?.health} at ${app?.object.status?.sync?.revision}, the commit being ${removal}, operation ${app?.operation?.phase}: ${app?.operation?.message}, conditions ${JSON.stringify(app?.conditions)})`);
      }
      return left.length === 0;
    }, 180_000);
    expect(left).toEqual([]);
    expect(gone).toBe(true);
    const kept = [...keptObjects.map(o => livePath(cp, o, keptApp.namespace)), livePath(cp, claim.object, staying.namespace)];
    const missing = [];
    for (const url of kept) if (await status(url) !== 200) missing.push(url);
    expect(missing).toEqual([]);
  });
});
