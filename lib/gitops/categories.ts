import { ApiObject } from 'cdk8s';
import { apiGroup, isClusterScoped } from '../k8s/scope';
import { AppChart } from '../platform/app-chart';
import { Platform } from '../platform/platform';

export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

export interface NamedResource extends GroupKind {
  readonly name: string;
}

/** What Argo CD needs to know about one category of apps, derived from their objects. */
export interface Category {
  readonly name: string;
  readonly apps: AppChart[];
  /** Whether any app keeps state (PVCs, volume claim templates, database clusters). */
  readonly holdsData: boolean;
  readonly namespaces: string[];
  /** Cluster-scoped objects the apps render, each allowed by name. */
  readonly clusterResources: NamedResource[];
  /** Namespaced kinds the apps render. */
  readonly namespacedKinds: GroupKind[];
}

const STATEFUL_KINDS = new Set(['/PersistentVolumeClaim', 'postgresql.cnpg.io/Cluster']);

function holdsData(objects: ApiObject[]): boolean {
  return objects.some(o => STATEFUL_KINDS.has(`${apiGroup(o.apiVersion)}/${o.kind}`)
    || (o.kind === 'StatefulSet' && Boolean((o.toJson() as { spec?: { volumeClaimTemplates?: unknown[] } }).spec?.volumeClaimTemplates?.length)));
}

function byGroupKindName(a: NamedResource | GroupKind, b: NamedResource | GroupKind): number {
  const key = (r: NamedResource | GroupKind) => `${r.group}/${r.kind}/${'name' in r ? r.name : ''}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

/** The categories of the platform, each with everything its AppProject and ApplicationSet need. */
export function categoriesOf(platform: Platform): Category[] {
  return platform.categories.map(name => {
    const apps = platform.apps.filter(a => a.category === name);
    const objects = apps.flatMap(a => a.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject));
    const cluster = new Map<string, NamedResource>();
    const namespaced = new Map<string, GroupKind>();
    for (const app of apps) cluster.set(`/Namespace/${app.namespace}`, { group: '', kind: 'Namespace', name: app.namespace });
    for (const o of objects) {
      const group = apiGroup(o.apiVersion);
      if (isClusterScoped(o.apiVersion, o.kind)) cluster.set(`${group}/${o.kind}/${o.name}`, { group, kind: o.kind, name: o.name });
      else namespaced.set(`${group}/${o.kind}`, { group, kind: o.kind });
    }
    return {
      name,
      apps,
      holdsData: holdsData(objects),
      namespaces: apps.map(a => a.namespace).sort(),
      clusterResources: [...cluster.values()].sort(byGroupKindName),
      namespacedKinds: [...namespaced.values()].sort(byGroupKindName),
    };
  });
}
