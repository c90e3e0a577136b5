import type { IDaemonSetStatus } from 'kubernetes-models/apps/v1/DaemonSetStatus';
import type { IDeploymentStatus } from 'kubernetes-models/apps/v1/DeploymentStatus';
import type { IStatefulSetStatus } from 'kubernetes-models/apps/v1/StatefulSetStatus';
import type { IEvent } from 'kubernetes-models/v1/Event';
import type { KindMap } from '../model/kube';
import { KubeClient, KubeList } from './client';

export interface Workload {
  readonly kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  readonly namespace: string;
  readonly name: string;
  readonly object: KindMap['Deployment' | 'StatefulSet' | 'DaemonSet'];
}

const PATHS = { Deployment: '/apis/apps/v1/deployments', StatefulSet: '/apis/apps/v1/statefulsets', DaemonSet: '/apis/apps/v1/daemonsets' };

export async function listWorkloads(client: KubeClient, namespaces?: string[]): Promise<Workload[]> {
  const out: Workload[] = [];
  for (const kind of Object.keys(PATHS) as Workload['kind'][]) {
    const list = await client.get<KubeList<Workload['object']>>(PATHS[kind]);
    for (const object of list.items) {
      const namespace = object.metadata.namespace ?? '';
      if (namespaces && !namespaces.includes(namespace)) continue;
      out.push({ kind, namespace, name: object.metadata.name, object });
    }
  }
  return out;
}

/** Why a workload is not rolled out yet, or undefined when every desired replica is updated and ready. */
export function notRolledOut(w: Workload): string | undefined {
  // The status fields of the three kinds, each read where its kind has it.
  const { metadata, spec } = w.object;
  type Status = Partial<Omit<IDeploymentStatus, 'conditions'> & Omit<IStatefulSetStatus, 'conditions'> & Omit<IDaemonSetStatus, 'conditions'>>;
  const status: Status = w.object.status ?? {};
  const generation = (metadata as { generation?: number }).generation ?? 0;
  if ((status.observedGeneration ?? 0) < generation) return 'the controller has not seen the latest spec';
  if (w.kind === 'DaemonSet') {
    const desired = status.desiredNumberScheduled ?? 0;
    if (desired === 0) return 'no node to run on';
    if ((status.updatedNumberScheduled ?? 0) < desired) return `${status.updatedNumberScheduled ?? 0}/${desired} updated`;
    if ((status.numberReady ?? 0) < desired) return `${status.numberReady ?? 0}/${desired} ready`;
    return undefined;
  }
  const want = (spec as { replicas?: number } | undefined)?.replicas ?? 1;
  if ((status.updatedReplicas ?? 0) < want) return `${status.updatedReplicas ?? 0}/${want} updated`;
  if ((status.readyReplicas ?? 0) < want) return `${status.readyReplicas ?? 0}/${want} ready`;
  if (w.kind === 'Deployment' && (status.replicas ?? 0) > want) return `${(status.replicas ?? 0) - want} old replicas left`;
  if (w.kind === 'StatefulSet' && status.updateRevision && status.currentRevision !== status.updateRevision) return 'revision not current';
  return undefined;
}

/**
 * Polls until every Deployment, StatefulSet and DaemonSet of the namespaces is rolled out, or the
 * timeout passes; returns what is still pending, each with the reason and the namespace's last
 * warning events (quota refusals, scheduling failures).
 */
export async function waitForRollouts(client: KubeClient, namespaces: string[] | undefined, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = (await listWorkloads(client, namespaces)).map(w => [w, notRolledOut(w)] as const).filter(([, why]) => why);
    if (!pending.length) return [];
    if (Date.now() > deadline) {
      const out: string[] = [];
      for (const [w, why] of pending) out.push(`${w.kind} ${w.namespace}/${w.name}: ${why}${await warningEvents(client, w.namespace, w.name)}`);
      return out;
    }
    await new Promise(r => setTimeout(r, 250));
  }
}

/**
 * The namespace's distinct warning events (FailedCreate, FailedScheduling...), for diagnostics;
 * with prefix, only those about objects named after it (a workload's ReplicaSets and pods).
 */
export async function warningEvents(client: KubeClient, namespace: string, prefix = ''): Promise<string> {
  const events = await client.get<KubeList<IEvent>>(`/api/v1/namespaces/${namespace}/events?fieldSelector=type%3DWarning`).catch((): KubeList<IEvent> => ({ items: [] }));
  const lines = [...new Set<string>(events.items
    .filter(e => (e.involvedObject.name ?? '').startsWith(prefix))
    .map(e => `${e.involvedObject.kind}/${e.involvedObject.name} ${e.reason}: ${(e.message ?? '').replace(/pods "[^"]+" is forbidden/, 'pods are forbidden')}`))];
  return lines.length ? `\n    ${lines.slice(-8).join('\n    ')}` : '';
}
