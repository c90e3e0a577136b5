import type { Container } from '../model';
import type { SourcedDocument } from './rendering';

/**
 * What the platform changes in vendored upstream YAML, in TypeScript, as kustomize's patches do:
 * objects left out, containers given resources and probes, ConfigMaps given their data, and the namespace
 * the manifests assume moved to the app's. Every patch must apply to something, so a patch that
 * an upstream bump made stale fails synthesis instead of silently doing nothing.
 */
export interface ManifestPatches {
  /**
   * Objects left out: each matcher names a kind, a name or labels, and drops every object it
   * matches (it must match at least one).
   * @default []
   */
  readonly omit?: ObjectMatcher[];
  /**
   * Fields set on containers, by `<workload name>/<container name>` (init containers included):
   * resources, a readiness probe upstream lacks and the port it needs. Each field given replaces
   * the container's.
   * @default {}
   */
  readonly containers?: Record<string, Partial<Container>>;
  /**
   * Annotations added to the pod template of workloads, by workload name.
   * @default {}
   */
  readonly podAnnotations?: Record<string, Record<string, string>>;
  /**
   * Entries merged into the `data` of ConfigMaps, by ConfigMap name.
   * @default {}
   */
  readonly configMapData?: Record<string, Record<string, string>>;
  /**
   * The namespace the manifests are written for (Argo CD's install.yaml: `argocd`): service
   * accounts a (Cluster)RoleBinding names there are moved to the app's namespace.
   * @default - none rewritten
   */
  readonly sourceNamespace?: string;
}

/** Matches objects by kind, name and labels; every field given must match. */
export interface ObjectMatcher {
  readonly kind?: string;
  readonly name?: string;
  readonly labels?: Record<string, string>;
}

interface Meta { name?: string; labels?: Record<string, string> }
type Doc = { kind?: string; metadata?: Meta; spec?: PodOwnerSpec; data?: Record<string, string>; subjects?: { kind?: string; namespace?: string }[] };
interface PodOwnerSpec { template?: PodTemplate; jobTemplate?: { spec?: PodOwnerSpec } }
interface PodTemplate { metadata?: { annotations?: Record<string, string> }; spec?: { containers?: Container[]; initContainers?: Container[] } }

const matches = (m: ObjectMatcher, doc: Doc) =>
  (m.kind === undefined || doc.kind === m.kind)
  && (m.name === undefined || doc.metadata?.name === m.name)
  && Object.entries(m.labels ?? {}).every(([k, v]) => doc.metadata?.labels?.[k] === v);

function describeMatcher(m: ObjectMatcher): string {
  return [m.kind, m.name, ...Object.entries(m.labels ?? {}).map(([k, v]) => `${k}=${v}`)].filter(Boolean).join(' ');
}

/** The pod template of a workload document. */
function templateOf(doc: Doc): PodTemplate | undefined {
  return (doc.kind === 'CronJob' ? doc.spec?.jobTemplate?.spec : doc.spec)?.template;
}

/** The containers of a workload document, init containers first. */
function containersOf(doc: Doc): Container[] {
  const pod = templateOf(doc)?.spec;
  return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
}

/**
 * Applies the patches to the documents (in place) and returns the ones kept, or the problems:
 * each names the patch at fault and what the documents hold instead.
 */
export function applyPatches(documents: SourcedDocument[], patches: ManifestPatches): { kept: SourcedDocument[]; problems: string[] } {
  const problems: string[] = [];
  const doc = (d: SourcedDocument) => (d.value ?? {}) as Doc;
  for (const [i, m] of (patches.omit ?? []).entries()) {
    if (!documents.some(d => matches(m, doc(d)))) problems.push(`omit[${i}]: ${describeMatcher(m) || '(empty matcher)'} matches no object`);
  }
  const kept = documents.filter(d => !(patches.omit ?? []).some(m => matches(m, doc(d))));

  for (const [key, fields] of Object.entries(patches.containers ?? {})) {
    const [workload, container] = key.split('/');
    const owner = kept.map(doc).find(d => d.metadata?.name === workload && containersOf(d).length);
    const target = owner && containersOf(owner).find(c => c.name === container);
    if (!target) {
      const there = kept.map(doc).flatMap(d => containersOf(d).map(c => `${d.metadata?.name}/${c.name}`));
      problems.push(`containers["${key}"]: no container ${container ?? '(none named)'} in a workload ${workload}; the containers are: ${there.join(', ') || 'none'}`);
      continue;
    }
    Object.assign(target, fields);
  }

  for (const [workload, annotations] of Object.entries(patches.podAnnotations ?? {})) {
    const template = kept.map(doc).filter(d => d.metadata?.name === workload).map(templateOf).find(Boolean);
    if (!template) {
      problems.push(`podAnnotations["${workload}"]: no workload ${workload}`);
      continue;
    }
    template.metadata = { ...template.metadata, annotations: { ...template.metadata?.annotations, ...annotations } };
  }

  for (const [name, data] of Object.entries(patches.configMapData ?? {})) {
    const configMap = kept.map(doc).find(d => d.kind === 'ConfigMap' && d.metadata?.name === name);
    if (!configMap) {
      problems.push(`configMapData["${name}"]: no ConfigMap ${name} (there are: ${kept.map(doc).filter(d => d.kind === 'ConfigMap').map(d => d.metadata?.name).join(', ') || 'none'})`);
      continue;
    }
    configMap.data = { ...configMap.data, ...data };
  }
  return { kept, problems };
}

/** Moves the service accounts bindings name in `from` to `to`. */
export function moveSubjects(documents: SourcedDocument[], from: string, to: string): void {
  for (const d of documents) {
    const value = d.value as Doc;
    if (value?.kind !== 'RoleBinding' && value?.kind !== 'ClusterRoleBinding') continue;
    for (const subject of value.subjects ?? []) if (subject.kind === 'ServiceAccount' && subject.namespace === from) subject.namespace = to;
  }
}
