import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { PlatformError } from '../errors';
import { dataHeld, withKeepOnPruneAndDelete } from '../k8s/protection';
import { LABEL, MANAGED_BY } from '../k8s/labels';
import { apiGroup, isClusterScoped } from '../k8s/scope';
import { AppChart } from '../platform/app-chart';
import type { Manifest } from '../model/manifest';
import { setOrigin } from '../k8s/origin';
import type { SourcedDocument } from './rendering';

/**
 * Cluster-wide objects an app's folder may not hold: they belong to the system layer (CRDs,
 * cluster RBAC, admission webhooks: Argo CD and the operators) or to Argo CD (the app's namespace,
 * which no app may hold).
 */
const CLUSTER_KINDS = new Set([
  'apiextensions.k8s.io/CustomResourceDefinition',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'apiregistration.k8s.io/APIService',
]);
const NAMESPACE_KIND = '/Namespace';

/**
 * Removing a CRD deletes every object of its kind (a database cluster, a certificate): Argo CD
 * neither prunes one that leaves git nor deletes it with its Application.
 */
const CRD_SYNC_OPTIONS = { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' };

/** `<source>, document <n>`: where a document came from, for messages and file headers. */
export function documentLocation(doc: SourcedDocument): string {
  return `${doc.source}, document ${doc.index}`;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The document as a manifest, or why it is not one. */
function asManifest(value: unknown): Manifest | string {
  if (!isRecord(value)) return 'is not a mapping (a Kubernetes object)';
  if (typeof value.apiVersion !== 'string' || !value.apiVersion) return 'has no apiVersion';
  if (typeof value.kind !== 'string' || !value.kind) return 'has no kind';
  if (value.kind === 'List' || value.kind.endsWith('List')) return `is a ${value.kind}; give each object its own document`;
  const metadata = value.metadata;
  if (!isRecord(metadata) || typeof metadata.name !== 'string' || !metadata.name) return 'has no metadata.name';
  if (metadata.generateName !== undefined) return 'uses metadata.generateName, which Argo CD cannot track; give it a name';
  return value as Manifest;
}

/** A label value naming the object: its name, or when that is too long its first segment (a CRD's plural). */
function nameLabel(name: string): string {
  const value = name.length <= 63 ? name : name.split('.')[0].slice(0, 63);
  return value.replace(/[^A-Za-z0-9]+$/, '');
}

/** `labels` with the platform's standard labels added where missing; part-of and managed-by are the app's. */
function withStandardLabels(labels: Record<string, string> | undefined, manifest: Manifest, app: AppChart): Record<string, string> {
  const own = labels ?? {};
  const name = nameLabel(manifest.metadata.name);
  const instance = `${app.appName}-${name}`;
  return {
    [LABEL.name]: name,
    [LABEL.instance]: instance.length <= 63 ? instance : name,
    [LABEL.component]: manifest.kind.toLowerCase(),
    ...own,
    // Helm's `managed-by: Helm` would be wrong: Argo CD applies the rendered objects; and every
    // object of an app folder belongs to that app. Selectors and pod labels keep the chart's values.
    [LABEL.partOf]: app.appName,
    [LABEL.managedBy]: MANAGED_BY,
  };
}

/** A StatefulSet's spec with Prune=false,Delete=false on each volume claim template, as the platform's own carry. */
function protectClaimTemplates(rest: Record<string, unknown>): Record<string, unknown> {
  const spec = rest.spec as { volumeClaimTemplates?: { metadata?: { annotations?: Record<string, string> } }[] } | undefined;
  if (!spec?.volumeClaimTemplates?.length) return rest;
  return {
    ...rest,
    spec: {
      ...spec,
      volumeClaimTemplates: spec.volumeClaimTemplates.map(t => ({ ...t, metadata: { ...t.metadata, annotations: withKeepOnPruneAndDelete(t.metadata?.annotations) } })),
    },
  };
}

export interface HydrateOptions {
  /** Path of the construct that renders them, leading every message. */
  readonly where: string;
  /** What the documents come from, for the file headers: `chart app-template 4.1.1`, `YAML`. */
  readonly origin: string;
  /**
   * The repository file of a document's source, for findings: a YAML file is its own source; a
   * chart's template (`app-template/templates/common.yaml`) is a file of the chart's folder.
   * @default - the source as the document names it
   */
  readonly sourceFile?: (source: string) => string;
  /** Whether the documents' lines are lines of their source (plain YAML), not of a rendering. @default false */
  readonly linesOfSource?: boolean;
}

/**
 * Turns rendered or hand-written documents into objects of `scope`'s app, so that they go through
 * the same pipeline as every construct's: the app's namespace (a document naming another is
 * refused), the five standard labels where the document lacks them (selectors and pod template
 * labels untouched), one file per object, validation, the model the NetworkPolicies, quotas and
 * report read. CRDs, cluster-wide RBAC, webhooks and Namespaces are refused, all named at once.
 */
export function hydrate(scope: Construct, documents: SourcedDocument[], options: HydrateOptions): ApiObject[] {
  const app = AppChart.of(scope);
  const problems: string[] = [];
  const refused: string[] = [];
  const accepted: { doc: SourcedDocument; manifest: Manifest }[] = [];
  for (const doc of documents) {
    const manifest = asManifest(doc.value);
    if (typeof manifest === 'string') {
      problems.push(`${documentLocation(doc)} (line ${doc.line}): ${manifest}`);
      continue;
    }
    const kind = `${apiGroup(manifest.apiVersion)}/${manifest.kind}`;
    if (kind === NAMESPACE_KIND || (CLUSTER_KINDS.has(kind) && !app.clusterScope)) {
      refused.push(`${manifest.kind} ${manifest.metadata.name} (${documentLocation(doc)})`);
      continue;
    }
    const namespace = manifest.metadata.namespace;
    if (!isClusterScoped(manifest.apiVersion, manifest.kind) && namespace !== undefined && namespace !== app.namespace) {
      problems.push(`${documentLocation(doc)}: ${manifest.kind} ${manifest.metadata.name}: metadata.namespace: "${namespace}" is not the app's namespace "${app.namespace}"; every object of app ${app.appName} lives in its namespace`);
      continue;
    }
    accepted.push({ doc, manifest });
  }
  if (refused.length) {
    problems.push(app.clusterScope
      ? `renders ${refused.join(', ')}: Argo CD creates an app's namespace (with its Pod Security labels), so no app may render one; turn it off in the values`
      : `renders ${refused.join(', ')}: an app may not install CRDs, cluster-wide RBAC, webhooks or namespaces, which only the system layer may hold; install the chart as an operator (an OperatorRequirement in lib/operators/, rendered into dist/system/), or turn those objects off in its values`);
  }
  if (problems.length) throw new PlatformError(`${options.where}: ${problems.join(`\n${options.where}: `)}`);

  const ids = new Set<string>();
  return accepted.map(({ doc, manifest }) => {
    const { metadata, ...rest } = manifest;
    const clusterScoped = isClusterScoped(manifest.apiVersion, manifest.kind);
    let id = `${manifest.kind}-${metadata.name}`;
    if (ids.has(id)) id = `${apiGroup(manifest.apiVersion) || 'core'}-${id}`;
    ids.add(id);
    const crd = manifest.kind === 'CustomResourceDefinition';
    // What holds data is never pruned or deleted with its Application, as every construct's volume.
    const data = dataHeld(manifest) !== undefined;
    const object = new ApiObject(scope, id, {
      ...protectClaimTemplates(rest),
      apiVersion: manifest.apiVersion,
      kind: manifest.kind,
      metadata: {
        ...metadata,
        ...(clusterScoped ? {} : { namespace: app.namespace }),
        labels: withStandardLabels(metadata.labels, manifest, app),
        ...(crd ? { annotations: { ...metadata.annotations, ...CRD_SYNC_OPTIONS } } : {}),
        ...(data ? { annotations: withKeepOnPruneAndDelete(metadata.annotations) } : {}),
      },
    });
    setOrigin(object, `${options.origin}: ${documentLocation(doc)}`, {
      file: options.sourceFile ? options.sourceFile(doc.source) : doc.source,
      document: doc.index,
      ...(options.linesOfSource ? { line: doc.line } : {}),
    });
    return object;
  });
}
