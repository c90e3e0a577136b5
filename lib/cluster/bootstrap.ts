import type { KindMap } from '../model/kube';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readIndex } from './sources';

/** What bootstrapping needs from the synthesized folders, found by what the objects are. */
export interface BootstrapPlan {
  /** Argo CD's namespace and the labels its Application gives it. */
  readonly namespace: string;
  readonly namespaceLabels: Record<string, string>;
  /** The folder of Argo CD's install (what the Application of the namespace's app syncs). */
  readonly installDir: string;
  /** The root Application and its AppProject. */
  readonly rootFiles: string[];
  /** The CRDs of every system app (Argo CD's and the operators'), with the Application that syncs each. */
  readonly crds: SystemCrd[];
}

/** A CRD of a system app, and the Application that syncs it. */
export interface SystemCrd {
  readonly object: KindMap['CustomResourceDefinition'];
  readonly application: string;
}

export class BootstrapError extends Error {}

/**
 * Reads the plan from argocd/ of `root`: the root Application; the system Application whose
 * destination is Argo CD's own namespace is Argo CD's install.
 */
export function bootstrapPlan(root: string): BootstrapPlan {
  const argocdDir = path.join(root, 'argocd');
  if (!fs.existsSync(argocdDir)) throw new BootstrapError(`${argocdDir} does not exist; run npm run synth first`);
  const index = readIndex(argocdDir);
  const applications = index.ofKind('Application');
  const rootApp = applications.find(o => o.object.spec?.source?.path === 'argocd');
  if (!rootApp) throw new BootstrapError(`${argocdDir}: no Application syncs argocd/ (the root Application); run npm run synth`);
  const namespace: string = rootApp.object.metadata.namespace;
  const install = applications.find(o => o.object !== rootApp.object && o.object.spec?.destination?.namespace === namespace);
  if (!install) throw new BootstrapError(`${argocdDir}: no Application installs Argo CD into namespace ${namespace}; add the ArgoCdChart to the platform's apps (charts/platform.ts)`);
  const rootProject = index.ofKind('AppProject').find(o => o.manifest.metadata.name === rootApp.object.spec.project);
  if (!rootProject) throw new BootstrapError(`${argocdDir}: no AppProject ${rootApp.object.spec.project} for the root Application`);
  const installDir = path.join(root, install.object.spec.source.path);
  if (!fs.existsSync(installDir)) throw new BootstrapError(`${installDir} does not exist; run npm run synth`);
  // The Applications argocd/ holds itself (not generated): the system layer, which alone has CRDs.
  const systemApps = applications.filter(o => o.object !== rootApp.object && o.object.spec?.source?.path);
  const crds = systemApps.flatMap(app => {
    const folder = path.join(root, app.object.spec.source.path);
    return (fs.existsSync(folder) ? readIndex(folder).ofKind('CustomResourceDefinition') : [])
      .map(o => ({ object: o.object, application: app.object.metadata.name as string }));
  });
  return {
    namespace,
    namespaceLabels: install.object.spec.syncPolicy?.managedNamespaceMetadata?.labels ?? {},
    installDir,
    rootFiles: [rootProject.file, rootApp.file],
    crds,
  };
}

/** Runs kubectl against `context`, echoing what it does; throws with its output when it fails. */
export function kubectl(context: string, args: string[], input?: string): string {
  const command = process.env.KUBECTL ?? 'kubectl';
  const run = spawnSync(command, ['--context', context, ...args], { input, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.error) throw new BootstrapError(`${command}: ${run.error.message} (install kubectl, or set KUBECTL to its path)`);
  if (run.status !== 0) throw new BootstrapError(`kubectl ${args.join(' ')} failed:\n${(run.stderr || run.stdout).trim()}`);
  return run.stdout;
}

/**
 * Waits until the API server serves every CRD named. (`kubectl wait --for=condition=Established`
 * fails at once on a CRD whose status has no conditions yet.)
 */
function waitEstablished(context: string, crds: string[], timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = JSON.parse(kubectl(context, ['get', 'crd', ...crds, '-o', 'json'])) as { items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[] };
    const waiting = list.items.filter(crd => !crd.status?.conditions?.some(c => c.type === 'Established' && c.status === 'True')).map(crd => crd.metadata.name);
    if (!waiting.length) return;
    if (Date.now() > deadline) throw new BootstrapError(`kubectl: CRDs not established after ${timeoutMs / 1000} s: ${waiting.join(', ')}`);
    spawnSync('sleep', ['0.2']);
  }
}

// Argo CD applies with this field manager; applying with it too makes Argo CD the owner of every
// field from the start, so its first sync of the same objects changes nothing.
const APPLY = ['apply', '--server-side', '--force-conflicts', '--field-manager=argocd-controller'];

/**
 * Installs Argo CD from the synthesized install and hands it the root Application: the namespace
 * with its Pod Security labels, the CRDs of every system app (Argo CD's and the operators', waiting
 * until they are served), the rest of Argo CD's install, every workload rolled out, then the root
 * AppProject and Application. From then on Argo CD syncs argocd/ and, through it, itself and
 * everything else. The CRDs are applied as Argo CD applies them (server-side, its field manager, as
 * they are in dist/), so its first sync of them changes nothing: Argo CD reloads its API schema on
 * every CRD event, one after the other, which made a first sync of the operators' CRDs take minutes.
 * Running it again changes nothing that is already so.
 */
export function bootstrap(root: string, context: string, log: (line: string) => void = console.log, timeoutMs = 300_000): BootstrapPlan {
  const timeout = `${Math.round(timeoutMs / 1000)}s`;
  const plan = bootstrapPlan(root);
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: plan.namespace, labels: plan.namespaceLabels } };
  log(`namespace ${plan.namespace}`);
  kubectl(context, [...APPLY, '-f', '-'], JSON.stringify(namespace));
  const install = readIndex(plan.installDir);
  const rest = [...new Set(install.objects.filter(o => o.manifest.kind !== 'CustomResourceDefinition').map(o => o.file))];
  log(`${plan.crds.length} CRDs of ${[...new Set(plan.crds.map(c => c.application))].join(', ')}`);
  kubectl(context, [...APPLY, '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: plan.crds.map(c => c.object) }));
  waitEstablished(context, plan.crds.map(c => c.object.metadata.name), timeoutMs);
  log(`${rest.length} other objects of ${path.relative(root, plan.installDir)}`);
  kubectl(context, [...APPLY, '-n', plan.namespace, ...rest.flatMap(f => ['-f', f])]);
  // Argo CD's install runs Deployments and one StatefulSet: what `kubectl rollout status` waits for.
  for (const { object: o } of install.pods.filter(p => ['Deployment', 'StatefulSet'].includes(p.object.manifest.kind))) {
    const workload = `${o.manifest.kind.toLowerCase()}/${o.manifest.metadata.name}`;
    log(`waiting for ${workload}`);
    kubectl(context, ['-n', plan.namespace, 'rollout', 'status', `--timeout=${timeout}`, workload]);
  }
  log(`root AppProject and Application (${plan.rootFiles.map(f => path.relative(root, f)).join(', ')})`);
  kubectl(context, [...APPLY, ...plan.rootFiles.flatMap(f => ['-f', f])]);
  return plan;
}
