import { IConstruct } from 'constructs';
import { Postgres } from '../data/postgres';
import { Valkey } from '../data/valkey';
import type { Connection } from '../platform/connections';
import type { RenderedObject } from '../synth/render';

/** What the check needs of the platform: the construct tree and the declared connections. */
export interface ConnectedPlatform extends IConstruct {
  readonly connections: Connection[];
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Cluster', 'Pooler']);

/**
 * Databases and caches no pod outside them connects to: probably a forgotten `connectsTo`, or a
 * leftover that still costs its volume and memory. A warning, since a new one may have no client yet.
 */
export function unusedData(platform: ConnectedPlatform, objects: RenderedObject[]): string[] {
  const warnings: string[] = [];
  for (const data of platform.node.findAll().filter(c => c instanceof Postgres || c instanceof Valkey)) {
    const inside = new Set(objects
      .filter(o => o.constructPath.startsWith(`${data.node.path}/`) && WORKLOADS.has(o.manifest.kind))
      .map(o => `${o.manifest.metadata.namespace}/${o.manifest.metadata.name}`));
    const key = (end: { namespace: string; name: string }) => `${end.namespace}/${end.name}`;
    if (platform.connections.some(c => inside.has(key(c.to)) && !inside.has(key(c.from)))) continue;
    const what = data instanceof Postgres ? 'database' : 'cache';
    warnings.push(`${data.node.path}: no pod connects to this ${what}; declare its clients with connectsTo(${data.node.id}), or remove it`);
  }
  return warnings;
}
