import { formatCpu, parseQuantity } from '../k8s/quantity';
import type { NodeCapacity } from '../platform/platform';
import type { Workload } from '../model';

export interface Budget {
  readonly rows: { app: string; namespace: string; requests: { cpu: number; memory: number }; limits: { cpu: number; memory: number } }[];
  readonly total: { requests: { cpu: number; memory: number }; limits: { cpu: number; memory: number } };
  readonly capacity?: { cpu: number; memory: number };
  /** What is over capacity, as sentences; empty when everything fits. */
  readonly overruns: string[];
}

/** Requests and limits per app (pods times per-pod amounts), summed against the declared capacity. */
export function budgetOf(workloads: Workload[], capacity?: NodeCapacity): Budget {
  const byApp = new Map<string, Budget['rows'][number]>();
  for (const w of workloads) {
    const row = byApp.get(w.app) ?? { app: w.app, namespace: w.namespace, requests: { cpu: 0, memory: 0 }, limits: { cpu: 0, memory: 0 } };
    row.requests.cpu += w.pods * w.requests.cpu;
    row.requests.memory += w.pods * w.requests.memory;
    row.limits.cpu += w.pods * w.limits.cpu;
    row.limits.memory += w.pods * w.limits.memory;
    byApp.set(w.app, row);
  }
  const rows = [...byApp.values()].sort((a, b) => a.app.localeCompare(b.app));
  const total = rows.reduce((t, r) => ({
    requests: { cpu: t.requests.cpu + r.requests.cpu, memory: t.requests.memory + r.requests.memory },
    limits: { cpu: t.limits.cpu + r.limits.cpu, memory: t.limits.memory + r.limits.memory },
  }), { requests: { cpu: 0, memory: 0 }, limits: { cpu: 0, memory: 0 } });
  if (!capacity) return { rows, total, overruns: [] };
  const nodes = capacity.nodes ?? 1;
  const cap = { cpu: nodes * (parseQuantity(capacity.cpuPerNode) ?? 0), memory: nodes * (parseQuantity(capacity.memoryPerNode) ?? 0) };
  const overruns: string[] = [];
  if (total.requests.cpu > cap.cpu) overruns.push(`CPU requests ${formatCpu(total.requests.cpu)} exceed the capacity of ${formatCpu(cap.cpu)}`);
  if (total.requests.memory > cap.memory) overruns.push(`memory requests ${gib(total.requests.memory)} exceed the capacity of ${gib(cap.memory)}`);
  return { rows, total, capacity: cap, overruns };
}

export function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
}
