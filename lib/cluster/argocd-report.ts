import * as path from 'node:path';
import { AppStatus } from './argocd-status';
import { Convergence } from './argocd-sync';
import { HealthFinding } from './argocd-health';
import { AppSource, readIndex } from './sources';

/** The file under `root` of the object a failed-sync message names (`Kind namespace/name: ...`), if it is one of the app's. */
export function fileOf(app: AppSource | undefined, message: string, root: string): string | undefined {
  const match = /^(?:sync failed: )?(\S+) (?:[^/\s]+\/)?([^:\s]+):/.exec(message);
  if (!app || !match) return undefined;
  const found = readIndex(app.folder).ofKind(match[1]).find(s => s.manifest.metadata?.name === match[2]);
  return found ? path.relative(root, found.file) : path.relative(root, app.folder);
}

/** One line per Application: name, sync status, health and what Argo CD says. */
export function applicationLines(apps: AppStatus[]): string[] {
  const width = Math.max(...apps.map(a => a.name.length), 4);
  return apps.map(a => {
    const said = [a.health !== 'Healthy' ? a.object.status?.health?.message : undefined, a.operation?.phase !== 'Succeeded' ? a.operation?.message : undefined].filter(Boolean).join('; ');
    return `${a.name.padEnd(width)}  ${a.sync.padEnd(10)} ${a.health.padEnd(11)} ${said ?? ''}`.trimEnd();
  });
}

/** The report of `cluster:check --argocd`, and its exit code. */
export function argocdReport(result: Convergence, health: HealthFinding[], declared: AppSource[], root: string): { lines: string[]; code: number } {
  const lines = applicationLines(result.apps);
  const byName = new Map(declared.map(a => [a.name, a]));
  const problems: string[] = [];
  for (const e of result.errors) {
    const app = e.where.startsWith('Application ') ? byName.get(e.where.slice('Application '.length)) : undefined;
    const file = e.where.startsWith('ApplicationSet ') ? `argocd/applicationset-${e.where.slice('ApplicationSet '.length)}.yaml` : fileOf(app, e.message, root);
    problems.push(`ERROR ${e.where}${file ? ` (${file})` : ''} at ${(e.atMs / 1000).toFixed(0)} s: ${e.message}`);
  }
  const missing = declared.filter(d => !result.apps.some(a => a.name === d.name));
  for (const m of missing) problems.push(`ERROR Application ${m.name} (${path.relative(root, m.folder)}) was never generated`);
  const unhealthy = health.filter(h => !h.unchecked);
  for (const h of unhealthy) problems.push(`UNHEALTHY ${h.resource} of Application ${h.app}: ${h.health} ${h.message}`.trimEnd());
  const unchecked = health.filter(h => h.unchecked);
  if (unchecked.length) lines.push(`health not checked for ${unchecked.length} resource(s), which need what this cluster does not run: ${[...new Set(unchecked.map(h => `${h.resource.split(' ')[0]} (${h.unchecked})`))].join('; ')}`);
  lines.push(...problems);
  const code = result.errors.length || missing.length ? 2 : result.outcome === 'timeout' ? 1 : unhealthy.length ? 2 : 0;
  return { lines, code };
}
