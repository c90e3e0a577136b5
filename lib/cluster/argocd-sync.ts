import * as path from 'node:path';
import { ArgoCdProcesses, startArgoCd } from './argocd';
import { AppSetStatus, AppStatus, listApplicationSets, listApplications, refresh } from './argocd-status';
import { HealthFinding, cronJobOnlyClaims, healthFindings } from './argocd-health';
import { clusterBinaries } from './binaries';
import { BootstrapPlan, bootstrap } from './bootstrap';
import { ControlPlane } from './control-plane';
import { GitSource, createGitSource } from './git-source';
import { NodeShape, prepareCluster } from './nodes';
import { AppSource, declaredApplications } from './sources';

/** The context of the control plane's kubeconfig (test/cluster/cmd/harness). */
const CONTEXT = 'test';

/** The platform synced by the real Argo CD on the tests' control plane. */
export interface ArgoCdSync {
  readonly git: GitSource;
  readonly plan: BootstrapPlan;
  readonly argocd: ArgoCdProcesses;
  /** What argocd/ declares: the Applications Argo CD should create (our model of its generators). */
  readonly declared: AppSource[];
  /** Milliseconds from the start of `npm run bootstrap` to Argo CD running. */
  readonly bootstrapMs: number;
  /** The resourceVersion of each CRD bootstrap installed, by name, before Argo CD started. */
  readonly crdVersions: Map<string, string>;
  stop(): Promise<void>;
}

/**
 * Prepares the cluster (nodes, storage, the ingress controller's stand-in), serves argocd/ and
 * dist/ of `root` from a local git repository, bootstraps as docs/operations.md says (`npm run bootstrap
 * -- --context test`, with the control plane's kubeconfig and kubectl) and starts the real Argo CD.
 */
export async function startArgoCdSync(cp: ControlPlane, root: string, shape: NodeShape, options: { keepLogs?: boolean; log?: (line: string) => void } = {}): Promise<ArgoCdSync> {
  const stopStandIns = await prepareCluster(cp.client, shape);
  const git = createGitSource(root);
  const started = Date.now();
  const env = { KUBECONFIG: process.env.KUBECONFIG, KUBECTL: process.env.KUBECTL };
  process.env.KUBECONFIG = cp.endpoint.kubeconfig;
  process.env.KUBECTL = path.join(clusterBinaries(), 'kubectl');
  let plan: BootstrapPlan;
  try {
    plan = bootstrap(git.tree, CONTEXT, options.log ?? (() => {}));
  } finally {
    for (const [key, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  const crdVersions = new Map<string, string>();
  for (const { object } of plan.crds) {
    const live = await cp.client.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${object.metadata.name}`);
    crdVersions.set(object.metadata.name, live.metadata.resourceVersion);
  }
  const argocd = await startArgoCd({ kubeconfig: cp.endpoint.kubeconfig, namespace: plan.namespace, installDir: plan.installDir, keepLogs: options.keepLogs });
  return {
    git, plan, argocd,
    declared: declaredApplications(path.join(git.tree, 'argocd'), git.tree),
    bootstrapMs: Date.now() - started,
    crdVersions,
    async stop() {
      await argocd.stop();
      await stopStandIns();
      git.remove();
    },
  };
}

/** An error Argo CD reported on the way, when it was first seen. */
export interface SeenError {
  readonly atMs: number;
  /** `ApplicationSet x` or `Application y`. */
  readonly where: string;
  readonly message: string;
}

export interface Convergence {
  readonly apps: AppStatus[];
  readonly sets: AppSetStatus[];
  /** Every error condition and failed sync seen while waiting, once each. */
  readonly errors: SeenError[];
  /** Milliseconds until every declared Application existed, and until every one was Synced. */
  readonly generatedMs?: number;
  readonly syncedMs?: number;
  /** Why it stopped waiting: all synced, a failed sync, or the timeout. */
  readonly outcome: 'synced' | 'failed' | 'timeout';
}

/** The errors an Application or ApplicationSet reports now. */
function errorsOf(apps: AppStatus[], sets: AppSetStatus[]): { where: string; message: string }[] {
  return [
    ...sets.flatMap(s => s.errors.map(message => ({ where: `ApplicationSet ${s.name}`, message }))),
    ...apps.flatMap(a => [
      ...a.conditions.map(message => ({ where: `Application ${a.name}`, message })),
      ...a.failed.map(message => ({ where: `Application ${a.name}`, message: `sync failed: ${message}` })),
      ...(a.operation && ['Failed', 'Error'].includes(a.operation.phase) ? [{ where: `Application ${a.name}`, message: `sync ${a.operation.phase}: ${a.operation.message}` }] : []),
    ]),
  ];
}

/** How often the wait asks Argo CD to look again at Applications whose sync is done but whose health is not. */
const REFRESH_EVERY_MS = 10_000;

/**
 * Polls Argo CD until every declared Application (and the root) exists and is Synced by a
 * finished sync, or one reports a failed sync, or the timeout passes. Every error condition seen on
 * the way is kept, transient ones included: each one costs a retry (AppProjects created after the
 * ApplicationSets naming them stalled generation for 180 s).
 *
 * Argo CD does not look at an Application again when only a CRD's status changes (a CRD is served
 * a moment after it is created): an operator's Application then reads "Progressing" until its next
 * periodic comparison, up to three minutes later, and holds the root Application in its sync wave
 * until then. The wait asks for that comparison now, as the UI's Refresh button does.
 */
export async function waitForApplications(cp: ControlPlane, sync: ArgoCdSync, timeoutMs: number, since = Date.now()): Promise<Convergence> {
  const namespace = sync.plan.namespace;
  const expected = new Set([...sync.declared.map(a => a.name)]);
  const errors = new Map<string, SeenError>();
  let generatedMs: number | undefined;
  let refreshed = Date.now();
  for (;;) {
    const [apps, sets] = await Promise.all([listApplications(cp.client, namespace), listApplicationSets(cp.client, namespace)]);
    const now = Date.now() - since;
    for (const e of errorsOf(apps, sets)) {
      const key = `${e.where}: ${e.message}`;
      if (!errors.has(key)) errors.set(key, { ...e, atMs: now });
    }
    const present = new Set(apps.map(a => a.name));
    if (generatedMs === undefined && [...expected].every(n => present.has(n))) generatedMs = now;
    const done = generatedMs !== undefined && apps.every(a => a.sync === 'Synced' && (!a.operation || a.operation.phase === 'Succeeded'));
    const failed = apps.some(a => a.failed.length || (a.operation && ['Failed', 'Error'].includes(a.operation.phase)));
    if (done || failed || now > timeoutMs) {
      return { apps, sets, errors: [...errors.values()], generatedMs, syncedMs: done ? now : undefined, outcome: done ? 'synced' : failed ? 'failed' : 'timeout' };
    }
    if (Date.now() - refreshed > REFRESH_EVERY_MS) {
      refreshed = Date.now();
      const settled = apps.filter(a => a.operation?.phase === 'Succeeded' && a.health === 'Progressing');
      await Promise.all(settled.map(a => refresh(cp.client, namespace, a.name)));
    }
    await new Promise(r => setTimeout(r, 1000));
  }
}

/**
 * Asks Argo CD to compare every Application again and waits until each has, so that its health
 * and sync status are read from the cluster as it is now (a status change alone does not make
 * Argo CD look again: argocd-cm ignores status-only updates, as upstream's does).
 */
export async function refreshAll(cp: ControlPlane, namespace: string, timeoutMs = 60_000): Promise<AppStatus[]> {
  const before = await listApplications(cp.client, namespace);
  const asked = new Date(Date.now() - 1000).toISOString();
  await Promise.all(before.map(a => refresh(cp.client, namespace, a.name)));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const apps = await listApplications(cp.client, namespace);
    const fresh = apps.every(a => (a.object.status?.reconciledAt ?? '') >= asked && !a.object.metadata.annotations?.['argocd.argoproj.io/refresh']);
    if (fresh || Date.now() > deadline) return apps;
    await new Promise(r => setTimeout(r, 500));
  }
}

/**
 * The health of every resource once Argo CD has caught up: compares every Application again until
 * no resource is unhealthy but those the cluster cannot make healthy, or the timeout passes. (Argo
 * CD handles the events of each CRD one after the other, rebuilding its API schema each time: had
 * bootstrap not installed the CRDs, it would read them as "Progressing" for a minute or two.)
 */
export async function settledHealth(cp: ControlPlane, sync: ArgoCdSync, timeoutMs = 180_000): Promise<{ apps: AppStatus[]; findings: HealthFinding[] }> {
  const claims = cronJobOnlyClaims(sync.declared);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const apps = await refreshAll(cp, sync.plan.namespace);
    const findings = healthFindings(apps, claims);
    if (findings.every(f => f.unchecked) || Date.now() > deadline) return { apps, findings };
    await new Promise(r => setTimeout(r, 5000));
  }
}

/** Ends the sync an Application is retrying, as `argocd app terminate-op` does. */
export function terminateOperation(cp: ControlPlane, namespace: string, name: string) {
  return cp.client.request('PATCH', `/apis/argoproj.io/v1alpha1/namespaces/${namespace}/applications/${name}`,
    { status: { operationState: { phase: 'Terminating' } } }, 'application/merge-patch+json');
}
