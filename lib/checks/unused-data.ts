import { IConstruct } from 'constructs';
import { Postgres } from '../data/postgres';
import { Valkey } from '../data/valkey';
import type { Connection } from '../platform/connections';
import { runsPods } from '../model/pods';
import type { RenderedModel } from '../model/rendered';

/** What the check needs of the platform: the construct tree and the declared connections. */
export interface ConnectedPlatform extends IConstruct {
  readonly connections: Connection[];
}

/**
 * Databases and caches no pod outside them connects to: probably a forgotten `connectsTo`, or a
 * leftover that still costs its volume and memory. A warning, since a new one may have no client yet.
 */
export function unusedData(platform: ConnectedPlatform, model: RenderedModel): string[] {
  const data = platform.node.findAll().filter(c => c instanceof Postgres || c instanceof Valkey);
  const byPath = new Map(data.map(d => [d.node.path, d]));
  // The workloads each data construct renders, found by their construct path's ancestors (linear, not data x objects).
  const inside = new Map(data.map(d => [d, new Set<string>()]));
  for (const o of model.objects) {
    if (!runsPods(o.manifest)) continue;
    const parts = o.constructPath.split('/');
    for (let i = parts.length - 1; i > 0; i--) {
      const owner = byPath.get(parts.slice(0, i).join('/'));
      if (owner) inside.get(owner)!.add(`${o.manifest.metadata.namespace}/${o.manifest.metadata.name}`);
    }
  }
  const key = (end: { namespace: string; name: string }) => `${end.namespace}/${end.name}`;
  const clientsOf = new Map<string, string[]>();
  for (const c of platform.connections) clientsOf.set(key(c.to), [...(clientsOf.get(key(c.to)) ?? []), key(c.from)]);
  const warnings: string[] = [];
  for (const d of data) {
    const own = inside.get(d)!;
    if ([...own].some(to => (clientsOf.get(to) ?? []).some(from => !own.has(from)))) continue;
    const what = d instanceof Postgres ? 'database' : 'cache';
    warnings.push(`${d.node.path}: no pod connects to this ${what}; declare its clients with connectsTo(${d.node.id}), or remove it`);
  }
  return warnings;
}
