import * as fs from 'node:fs';
import * as path from 'node:path';
import { argoOrder, sameStep } from './argocd-order';
import type { KindMap } from '../model/kube';
import { KubeClient, message } from './client';
import { AppSource, SourceObject, declaredApplications, readIndex } from './sources';

/** Something the API server refused, or a warning it returned while accepting. */
export interface Finding {
  readonly severity: 'refused' | 'warning';
  readonly file: string;
  /** kind namespace/name */
  readonly object: string;
  readonly message: string;
}

export interface ApplyResult {
  readonly findings: Finding[];
  /** The namespaces the applied apps live in (where rollouts are awaited). */
  readonly namespaces: string[];
  readonly applied: number;
}

/** Pod Security labels of a namespace no Application describes. */
const RESTRICTED = Object.fromEntries(['enforce', 'warn', 'audit'].map(mode => [`pod-security.kubernetes.io/${mode}`, 'restricted']));

export function describe(object: { kind: string; metadata?: { name?: string; namespace?: string } }, namespace?: string): string {
  const ns = object.metadata?.namespace ?? namespace;
  return `${object.kind} ${ns ? `${ns}/` : ''}${object.metadata?.name}`;
}

export function formatFinding(f: Finding, root = process.cwd()): string {
  return `${f.severity === 'refused' ? 'REFUSED' : 'WARNING'} ${f.object} (${path.relative(root, f.file) || f.file}): ${f.message}`;
}

/** Server-side applies each object in Argo CD's order; every refusal and warning becomes a finding. */
export async function applyObjects(client: KubeClient, items: readonly SourceObject[], namespace?: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  const one = async ({ file, object }: SourceObject): Promise<Finding[]> => {
    const name = describe(object, namespace);
    if (!client.resource(object.apiVersion, object.kind)) {
      return [{ severity: 'refused', file, object: name, message: `the server does not serve ${object.apiVersion} ${object.kind} (no such CRD installed)` }];
    }
    const res = await client.apply(object, namespace);
    const out: Finding[] = res.status >= 300 ? [{ severity: 'refused', file, object: name, message: message(res) }] : [];
    for (const warning of res.warnings) out.push({ severity: 'warning', file, object: name, message: warning });
    return out;
  };
  // Objects of one step (same phase, wave and kind) go together, as one kubectl apply would.
  const ordered = argoOrder([...items]);
  for (let i = 0; i < ordered.length;) {
    let j = i + 1;
    while (j < ordered.length && sameStep(ordered[i].object, ordered[j].object)) j++;
    for (const found of await Promise.all(ordered.slice(i, j).map(one))) findings.push(...found);
    i = j;
  }
  return findings;
}

/** Creates (or relabels) a namespace as Argo CD's CreateNamespace=true with managedNamespaceMetadata does. */
export async function ensureNamespace(client: KubeClient, name: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}): Promise<Finding[]> {
  const object = { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, annotations } };
  const res = await client.apply(object);
  const findings: Finding[] = [];
  if (res.status >= 300) findings.push({ severity: 'refused', file: '(managedNamespaceMetadata)', object: `Namespace ${name}`, message: message(res) });
  for (const w of res.warnings) findings.push({ severity: 'warning', file: '(managedNamespaceMetadata)', object: `Namespace ${name}`, message: w });
  return findings;
}

/** The CustomResourceDefinitions in the YAML files under dirs. */
export function crdObjects(dirs: string[]): SourceObject[] {
  return dirs.filter(d => fs.existsSync(d)).flatMap(d => readIndex(d).ofKind('CustomResourceDefinition'));
}

/** Installs CRDs and waits until each is served. */
export async function installCrds(client: KubeClient, crds: readonly SourceObject[]): Promise<Finding[]> {
  const findings = await applyObjects(client, crds);
  const deadline = Date.now() + 60_000;
  for (const { object } of crds) {
    for (;;) {
      const crd = await client.get<KindMap['CustomResourceDefinition']>(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${object.metadata.name}`).catch(() => undefined);
      if (crd?.status?.conditions?.some(c => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CRD ${object.metadata.name} not established after 60 s`);
      await new Promise(r => setTimeout(r, 100));
    }
  }
  // Established comes before discovery lists the kind: wait until every served version is listed.
  const served = crds.map(({ object }) => object as KindMap['CustomResourceDefinition']).flatMap(crd => (crd.spec?.versions ?? []).filter(v => v.served).map(v => ({ apiVersion: `${crd.spec.group}/${v.name}`, kind: crd.spec.names.kind })));
  for (;;) {
    await client.discover();
    const missing = served.filter(s => !client.resource(s.apiVersion, s.kind));
    if (!missing.length) break;
    if (Date.now() > deadline) throw new Error(`not in discovery after 60 s: ${missing.map(s => `${s.apiVersion} ${s.kind}`).join(', ')}`);
    await new Promise(r => setTimeout(r, 100));
  }
  return findings;
}

/**
 * Applies folders as Argo CD would sync them: a folder holding ApplicationSets (argocd/) is applied
 * first, in the argocd namespace; then every app folder its Applications and git generators select
 * (resolved from root), in sync-wave order, each into its destination namespace created with the
 * managedNamespaceMetadata labels, its CRDs served before the rest; any other folder is applied as
 * one app, each object in its own namespace or `default`, those namespaces enforcing Pod Security
 * `restricted`.
 */
export async function applyFolders(client: KubeClient, folders: string[], root: string): Promise<ApplyResult> {
  const findings: Finding[] = [];
  const namespaces = new Set<string>();
  let applied = 0;
  const argocdFolders = folders.filter(f => readIndex(f).ofKind('ApplicationSet').length > 0);
  const apps: AppSource[] = argocdFolders.flatMap(f => declaredApplications(f, root));
  const inApp = (file: string) => apps.some(a => file.startsWith(a.folder + path.sep));

  // As `npm run bootstrap` does: Argo CD's own CRDs (of the app that installs it) before argocd/.
  const argoGroups = new Set(argocdFolders.flatMap(f => readIndex(f).objects).map(s => String(s.object.apiVersion).split('/')[0]));
  const argoCrds = apps.flatMap(a => readIndex(a.folder).ofKind('CustomResourceDefinition')).filter(s => argoGroups.has(s.object.spec?.group));
  if (argoCrds.length) findings.push(...await installCrds(client, argoCrds));
  for (const folder of argocdFolders) {
    const items = readIndex(folder).objects;
    for (const ns of new Set(items.map(s => s.object.metadata?.namespace).filter(Boolean))) findings.push(...await ensureNamespace(client, ns));
    findings.push(...await applyObjects(client, items));
    applied += items.length;
  }
  const selected = apps.filter(a => folders.some(f => a.folder === path.resolve(f) || a.folder.startsWith(path.resolve(f) + path.sep)));
  for (const app of selected) {
    findings.push(...await ensureNamespace(client, app.namespace, app.namespaceLabels, app.namespaceAnnotations));
    namespaces.add(app.namespace);
    const index = readIndex(app.folder);
    const items = index.objects;
    const crds = index.ofKind('CustomResourceDefinition');
    if (crds.length) findings.push(...await installCrds(client, crds));
    findings.push(...await applyObjects(client, items.filter(s => s.object.kind !== 'CustomResourceDefinition'), app.namespace));
    applied += items.length;
  }
  for (const folder of folders.filter(f => !argocdFolders.includes(f))) {
    const index = readIndex(folder);
    const items = index.objects.filter(s => !inApp(s.file));
    if (!items.length) continue;
    const crds = index.ofKind('CustomResourceDefinition').filter(s => !inApp(s.file));
    if (crds.length) findings.push(...await installCrds(client, crds));
    // No Application says how to label these namespaces: the platform's default, restricted.
    for (const ns of new Set(items.map(s => s.object.metadata?.namespace ?? 'default'))) {
      findings.push(...await ensureNamespace(client, ns, RESTRICTED));
      namespaces.add(ns);
    }
    findings.push(...await applyObjects(client, items.filter(s => s.object.kind !== 'CustomResourceDefinition'), 'default'));
    applied += items.length;
  }
  return { findings, namespaces: [...namespaces], applied };
}
