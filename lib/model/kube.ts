/*
 * Types of the rendered objects the platform reads back: upstream Kubernetes typings
 * (kubernetes-models, type-only, so nothing is bundled) and, for custom resources, the fields read
 * here. Every reader of rendered JSON (the model, the report, the validator) goes through these.
 */
import type { ICustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import type { IDaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { ILimitRange } from 'kubernetes-models/v1/LimitRange';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { IResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import type { IResourceQuota } from 'kubernetes-models/v1/ResourceQuota';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { Manifest } from './manifest';

export type { IContainer as Container, IPodSpec as PodSpec, IPodTemplateSpec as PodTemplate, IResourceRequirements as Resources };

/** Metadata every rendered object has: a name, and a namespace unless it is cluster-scoped. */
type Named<T> = Omit<T, 'metadata'> & { readonly metadata: Manifest['metadata'] };

/** A Gateway API HTTPRoute, as far as the platform reads it. */
export interface HttpRoute {
  readonly spec?: {
    readonly parentRefs?: { readonly name: string; readonly namespace?: string }[];
    readonly hostnames?: string[];
    readonly rules?: { readonly backendRefs?: { readonly name: string; readonly namespace?: string; readonly port?: number; readonly kind?: string; readonly group?: string }[] }[];
  };
}

/** A CloudNativePG Cluster, as far as the platform reads it. */
export interface CnpgCluster {
  readonly spec?: { readonly instances?: number; readonly resources?: IResourceRequirements; readonly inheritedMetadata?: { readonly annotations?: Record<string, string> } };
}

/** A CloudNativePG Pooler, as far as the platform reads it. */
export interface CnpgPooler {
  readonly spec?: { readonly instances?: number; readonly cluster?: { readonly name: string }; readonly template?: IPodTemplateSpec };
}

/** The kinds the platform reads back, by `<kind>` (`<group>/<kind>` for custom resources). */
export interface KindMap {
  Deployment: Named<IDeployment>;
  StatefulSet: Named<IStatefulSet>;
  DaemonSet: Named<IDaemonSet>;
  ReplicaSet: Named<IReplicaSet>;
  Job: Named<IJob>;
  CronJob: Named<ICronJob>;
  Pod: Named<IPod>;
  PersistentVolumeClaim: Named<IPersistentVolumeClaim>;
  LimitRange: Named<ILimitRange>;
  ResourceQuota: Named<IResourceQuota>;
  CustomResourceDefinition: Named<ICustomResourceDefinition>;
  Service: Named<IService>;
  Ingress: Named<IIngress>;
  NetworkPolicy: Named<INetworkPolicy>;
  HorizontalPodAutoscaler: Named<IHorizontalPodAutoscaler>;
  PodDisruptionBudget: Named<IPodDisruptionBudget>;
  /** An external-secrets ExternalSecret: the Secret it creates. */
  'external-secrets.io/ExternalSecret': Manifest & { readonly spec?: { readonly target?: { readonly name?: string } } };
  HTTPRoute: Manifest & HttpRoute;
  'postgresql.cnpg.io/Cluster': Manifest & CnpgCluster;
  'postgresql.cnpg.io/Pooler': Manifest & CnpgPooler;
}

const GROUPS: Partial<Record<keyof KindMap, string>> = {
  CustomResourceDefinition: 'apiextensions.k8s.io/',
  Ingress: 'networking.k8s.io/',
  NetworkPolicy: 'networking.k8s.io/',
  HTTPRoute: 'gateway.networking.k8s.io/',
  'external-secrets.io/ExternalSecret': 'external-secrets.io/',
  'postgresql.cnpg.io/Cluster': 'postgresql.cnpg.io/',
  'postgresql.cnpg.io/Pooler': 'postgresql.cnpg.io/',
};

/** `m` typed as `kind` when it is one (custom resources checked by API group too), else undefined. */
export function asKind<K extends keyof KindMap>(m: Manifest, kind: K): KindMap[K] | undefined {
  const bare = kind.slice(kind.lastIndexOf('/') + 1);
  if (m.kind !== bare) return undefined;
  const group = GROUPS[kind];
  if (group && !m.apiVersion?.startsWith(group)) return undefined;
  return m as unknown as KindMap[K];
}

/** Whether `labels` carry every key and value of a non-empty `selector`. */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
