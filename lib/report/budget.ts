import { parseQuantity } from '../k8s/quantity';
import { GpuPool, gpuTotals } from '../platform/gpus';
import type { NodeCapacity } from '../platform/platform';
import type { Workload } from '../model';

export interface Budget {
  readonly rows: { app: string; namespace: string; requests: { cpu: number; memory: number }; limits: { cpu: number; memory: number }; gpus: Record<string, number> }[];
  readonly total: { requests: { cpu: number; memory: number }; limits: { cpu: number; memory: number }; gpus: Record<string, number> };
  readonly capacity?: { cpu: number; memory: number; gpus: Record<string, number> };
  /** The GPU resources anything asks for or offers, sorted: one column each. */
  readonly gpuResources: string[];
  /** What is over capacity, as sentences; empty when everything fits. */
  readonly overruns: string[];
}

/** Where the capacity is declared, for messages. */
export const CAPACITY_SETTING = 'PLATFORM_SETTINGS.capacity (charts/platform.ts)';

/** How many apps an over-capacity message names. */
const TOP_CONSUMERS = 5;

/** Adds `n` times each amount of `from` into `into`. */
function addGpus(into: Record<string, number>, from: Record<string, number>, n = 1): void {
  for (const [resource, count] of Object.entries(from)) into[resource] = (into[resource] ?? 0) + n * count;
}

/** CPU in millicores, always: one unit for a whole column (`16000m`, never `16` beside `5790m`). */
export function millicores(cores: number): string {
  return `${Math.round(cores * 1000)}m`;
}

export function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
}

/**
 * The sentence for a resource whose requests exceed the capacity: the amounts, the apps that ask
 * for the most (largest first), and the setting that declares the capacity.
 */
function overrun(what: string, rows: Budget['rows'], pick: (r: Budget['rows'][number]) => number, total: number, capacity: number, nodes: number, perNode: string, format: (n: number) => string): string {
  const top = [...rows].sort((a, b) => pick(b) - pick(a) || a.app.localeCompare(b.app)).slice(0, TOP_CONSUMERS).filter(r => pick(r) > 0);
  return `${what} requests ${format(total)} exceed the capacity of ${format(capacity)} (${nodes} node${nodes === 1 ? '' : 's'} of ${perNode}, ${CAPACITY_SETTING}); `
    + `the most: ${top.map(r => `${r.namespace} ${format(pick(r))}`).join(', ')}; `
    + `lower their requests, replicas or autoscaler maximum, or declare the nodes you have in ${CAPACITY_SETTING}`;
}

/**
 * Requests and limits per app (pods times per-pod amounts), and the GPUs they hold, summed against
 * the declared capacity. GPUs over capacity fail synthesis earlier, in lib/checks/gpus.ts, which
 * names the pods.
 */
export function budgetOf(workloads: Workload[], capacity?: NodeCapacity, gpuPools: GpuPool[] = []): Budget {
  const byApp = new Map<string, Budget['rows'][number]>();
  for (const w of workloads) {
    const row = byApp.get(w.app) ?? { app: w.app, namespace: w.namespace, requests: { cpu: 0, memory: 0 }, limits: { cpu: 0, memory: 0 }, gpus: {} };
    row.requests.cpu += w.pods * w.requests.cpu;
    row.requests.memory += w.pods * w.requests.memory;
    row.limits.cpu += w.pods * w.limits.cpu;
    row.limits.memory += w.pods * w.limits.memory;
    addGpus(row.gpus, w.gpus, w.pods);
    byApp.set(w.app, row);
  }
  const rows = [...byApp.values()].sort((a, b) => a.app.localeCompare(b.app));
  const total: Budget['total'] = { requests: { cpu: 0, memory: 0 }, limits: { cpu: 0, memory: 0 }, gpus: {} };
  for (const r of rows) {
    total.requests.cpu += r.requests.cpu;
    total.requests.memory += r.requests.memory;
    total.limits.cpu += r.limits.cpu;
    total.limits.memory += r.limits.memory;
    addGpus(total.gpus, r.gpus);
  }
  const offered = gpuTotals(gpuPools);
  const gpuResources = [...new Set([...Object.keys(total.gpus), ...Object.keys(offered)])].sort();
  if (!capacity) return { rows, total, gpuResources, overruns: [] };
  const nodes = capacity.nodes ?? 1;
  const cap = { cpu: nodes * (parseQuantity(capacity.cpuPerNode) ?? 0), memory: nodes * (parseQuantity(capacity.memoryPerNode) ?? 0), gpus: offered };
  const overruns: string[] = [];
  if (total.requests.cpu > cap.cpu) {
    overruns.push(overrun('CPU', rows, r => r.requests.cpu, total.requests.cpu, cap.cpu, nodes, `${capacity.cpuPerNode} CPU, cpuPerNode`, millicores));
  }
  if (total.requests.memory > cap.memory) {
    overruns.push(overrun('memory', rows, r => r.requests.memory, total.requests.memory, cap.memory, nodes, `${capacity.memoryPerNode}, memoryPerNode`, gib));
  }
  return { rows, total, capacity: cap, gpuResources, overruns };
}
