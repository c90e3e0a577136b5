import * as fs from 'node:fs';
import * as path from 'node:path';
import { PLATFORM_SETTINGS, buildPlatform } from '../../charts/platform';
import { KubeClient } from '../../lib/cluster/client';
import { NodeShape } from '../../lib/cluster/nodes';
import { renderAndValidate } from '../../lib/synth/synthesize';
import { REPO_ROOT, tempDir } from './platform';

export type RouteMode = 'ingress' | 'gateway-api';

/**
 * A folder holding dist/ and argocd/ for a route mode and node shape: the committed ones for the
 * platform's own settings, otherwise the platform synthesized with them into a temporary folder
 * (quotas count a DaemonSet's pods per declared node, so the node count is part of the platform).
 */
export function platformRoot(routes: RouteMode, shape?: NodeShape): string {
  const capacity = shape ? { nodes: shape.count, cpuPerNode: shape.cpu, memoryPerNode: shape.memory, gpus: shape.gpus } : PLATFORM_SETTINGS.capacity;
  if (PLATFORM_SETTINGS.entryPoints?.routes === routes && !shape) return REPO_ROOT;
  const settings = { ...PLATFORM_SETTINGS, capacity, entryPoints: { ...PLATFORM_SETTINGS.entryPoints, routes } };
  const { rendering } = renderAndValidate(() => buildPlatform(settings as typeof PLATFORM_SETTINGS));
  const root = tempDir(`platform-${routes}-`);
  for (const [file, content] of rendering.files) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
  return root;
}

/** Merge-patches a pod-template annotation: the smallest change that rolls every pod. */
export function restart(client: KubeClient, kind: string, namespace: string, name: string, value: string) {
  const plural = { Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' }[kind];
  return client.request('PATCH', `/apis/apps/v1/namespaces/${namespace}/${plural}/${name}`,
    { spec: { template: { metadata: { annotations: { 'platform.test/restarted-at': value } } } } }, 'application/merge-patch+json');
}

/** Asks the eviction API to evict a pod; the response carries the server's verdict. */
export function evict(client: KubeClient, namespace: string, pod: string) {
  return client.request('POST', `/api/v1/namespaces/${namespace}/pods/${pod}/eviction`,
    { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod, namespace } });
}

/** Polls fn until it returns a truthy value or the timeout passes (then returns the last value). */
export async function until<T>(fn: () => Promise<T>, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value || Date.now() > deadline) return value;
    await new Promise(r => setTimeout(r, everyMs));
  }
}

/** `a=b,c=d` for a label selector's matchLabels (the platform's PDBs use matchLabels only). */
export function selectorQuery(selector: any): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${e.values.join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${e.values.join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return encodeURIComponent(parts.join(','));
}
