import type { RenderedObject } from '../model/rendered';

/** One container as rendered, with the parts the platform checks read. */
export interface RenderedContainer {
  readonly name: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: KeyRef; configMapKeyRef?: KeyRef } }[];
  readonly envFrom?: { secretRef?: NameRef; configMapRef?: NameRef }[];
  readonly volumeMounts?: { name: string }[];
}
interface KeyRef { name: string; key: string; optional?: boolean }
interface NameRef { name: string; optional?: boolean }

/** A pod volume as rendered, with the sources that name a Secret or ConfigMap. */
export interface RenderedVolume {
  readonly name: string;
  readonly secret?: { secretName: string; optional?: boolean };
  readonly configMap?: { name: string; optional?: boolean };
  readonly projected?: { sources?: { secret?: NameRef; configMap?: NameRef }[] };
}

/** A workload's pod template, with the object that renders it. */
export interface RenderedPod {
  readonly object: RenderedObject;
  readonly namespace: string;
  readonly containers: RenderedContainer[];
  readonly volumes: RenderedVolume[];
}

const POD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

/** Every pod template among the rendered objects (Deployments, StatefulSets, DaemonSets, Jobs, CronJobs). */
export function podsOf(objects: RenderedObject[]): RenderedPod[] {
  return objects.filter(o => POD_KINDS.has(o.manifest.kind)).map(object => {
    const spec = object.manifest.spec as { template?: PodTemplate; jobTemplate?: { spec?: { template?: PodTemplate } } } | undefined;
    const template = object.manifest.kind === 'CronJob' ? spec?.jobTemplate?.spec?.template : spec?.template;
    return {
      object,
      namespace: object.manifest.metadata.namespace ?? '',
      containers: [...(template?.spec?.initContainers ?? []), ...(template?.spec?.containers ?? [])],
      volumes: template?.spec?.volumes ?? [],
    };
  });
}
interface PodTemplate { spec?: { containers?: RenderedContainer[]; initContainers?: RenderedContainer[]; volumes?: RenderedVolume[] } }

/**
 * How a message names a field of a pod: as the prop a chart sets (`env.DATABASE_URL`), prefixed
 * with the container when the pod has several.
 */
export function fieldOf(pod: RenderedPod, container: RenderedContainer, field: string): string {
  return pod.containers.length > 1 ? `container ${container.name}: ${field}` : field;
}

/** The construct that declared an object: its parent (`wiki/web` for `wiki/web/Deployment`). */
export function ownerPath(object: RenderedObject): string {
  return object.constructPath.slice(0, object.constructPath.lastIndexOf('/'));
}
