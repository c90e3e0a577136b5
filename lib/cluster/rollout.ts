import { KubeClient } from './client';

export interface Workload {
  readonly kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  readonly namespace: string;
  readonly name: string;
  readonly object: any;
}

const PATHS = { Deployment: '/apis/apps/v1/deployments', StatefulSet: '/apis/apps/v1/statefulsets', DaemonSet: '/apis/apps/v1/daemonsets' };

export async function listWorkloads(client: KubeClient, namespaces?: string[]): Promise<Workload[]> {
  const out: Workload[] = [];
  for (const kind of Object.keys(PATHS) as Workload['kind'][]) {
    const list = await client.get(PATHS[kind]);
    for (const object of list.items) {
      if (namespaces && !namespaces.includes(object.metadata.namespace)) continue;
      out.push({ kind, namespace: object.metadata.namespace, name: object.metadata.name, object });
    }
  }
  return out;
}

/** Why a workload is not rolled out yet, or undefined when every desired replica is updated and ready. */
export function notRolledOut(w: Workload): string | undefined {
  const { metadata, spec, status = {} } = w.object;
  if ((status.observedGeneration ?? 0) < metadata.generation) return 'the controller has not seen the latest spec';
  if (w.kind === 'DaemonSet') {
    const desired = status.desiredNumberScheduled ?? 0;
    if (desired === 0) return 'no node to run on';
    if ((status.updatedNumberScheduled ?? 0) < desired) return `${status.updatedNumberScheduled ?? 0}/${desired} updated`;
    if ((status.numberReady ?? 0) < desired) return `${status.numberReady ?? 0}/${desired} ready`;
    return undefined;
  }
  const want = spec.replicas ?? 1;
  if ((status.updatedReplicas ?? 0) < want) return `${status.updatedReplicas ?? 0}/${want} updated`;
  if ((status.readyReplicas ?? 0) < want) return `${status.readyReplicas ?? 0}/${want} ready`;
  if (w.kind === 'Deployment' && (status.replicas ?? 0) > want) return `${status.replicas - want} old replicas left`;
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
  const events = await client.get(`/api/v1/namespaces/${namespace}/events?fieldSelector=type%3DWarning`).catch(() => ({ items: [] }));
  const lines = [...new Set<string>(events.items
    .filter((e: any) => e.involvedObject.name.startsWith(prefix))
    .map((e: any) => `${e.involvedObject.kind}/${e.involvedObject.name} ${e.reason}: ${e.message.replace(/pods "[^"]+" is forbidden/, 'pods are forbidden')}`))];
  return lines.length ? `\n    ${lines.slice(-8).join('\n    ')}` : '';
}
