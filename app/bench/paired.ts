import { readFileSync } from 'node:fs';
import { runWrk, type WrkResult } from './wrk.js';

// Cached redirects measured as a ratio to bare Fastify answering a fixed 302, in paired rounds:
// both servers run side by side, each round runs wrk against one then the other (the order
// alternates round by round, so a load that rises or falls through the run weighs on both
// alike), and the figure is the median of the per-round ratios. Absolute figures cannot hold on
// two shared cores; a ratio measured minutes apart cannot either.

export interface Side {
  /** redirects answered (requests less errors and answers outside 2xx/3xx) */
  answered: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx3xx: number;
  /** CPU time (user + system) of the server process per answered request, in µs */
  cpuUsPerRequest: number;
  /** the same of the PostgreSQL backends of the bench's database (the service's redirect events), when readable */
  databaseCpuUsPerRequest?: number;
  /** the same of wrk, which runs on the same cores, when GNU time is installed */
  loadGeneratorCpuUsPerRequest?: number;
}

export interface PairedRound {
  round: number;
  first: 'bare' | 'service';
  bare: Side;
  service: Side;
  /** service req/s over bare req/s */
  throughputRatio: number;
  /** service p99 over bare p99 */
  p99Ratio: number;
}

export interface PairedSummary {
  connections: number;
  roundSeconds: number;
  /** seconds of load each side got before the rounds, not counted */
  warmSeconds: number;
  /** redirects the service answered during that load: recorded as events like the rest */
  warmAnswered: number;
  rounds: PairedRound[];
  medianThroughputRatio: number;
  medianP99Ratio: number;
  /**
   * Bare's CPU per request on the whole machine (server, PostgreSQL, wrk) over the service's,
   * median of the rounds: the throughput ratio when these alone keep every core busy.
   */
  medianMachineCpuRatio?: number;
  /** the spread of the per-round ratios, as an idea of the noise */
  throughputRatioRange: [number, number];
  p99RatioRange: [number, number];
  target: { throughputRatio: number; p99Ratio: number };
  met: boolean;
}

export const TARGET = { throughputRatio: 0.7, p99Ratio: 2 };

const TICKS_PER_SECOND = 100;
/** utime + stime of a process, in seconds (Linux /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // after "pid (comm) ": state is field 3, utime 14 and stime 15
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** CPU seconds so far of each PostgreSQL backend of the bench's database by process id, or undefined when they cannot be read. */
export type DatabaseCpu = () => Promise<Map<number, number> | undefined>;

/** CPU spent between two readings: backends that closed meanwhile are left out, new ones count whole. */
function spent(before: Map<number, number>, after: Map<number, number>): number {
  let seconds = 0;
  for (const [pid, now] of after) seconds += now - (before.get(pid) ?? 0);
  return seconds;
}

/** A process's CPU seconds, or undefined when it cannot be read (gone, or on another machine). */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    return cpuSeconds(pid);
  } catch {
    return undefined;
  }
}

const perRequest = (seconds: number, answered: number) => Math.round(((seconds * 1e6) / Math.max(answered, 1)) * 10) / 10;

async function measure(target: { baseUrl: string; pid: number }, paths: string[], connections: number, seconds: number, databaseCpu?: DatabaseCpu): Promise<Side> {
  const databaseBefore = await databaseCpu?.();
  const before = cpuSeconds(target.pid);
  const result: WrkResult = await runWrk(target.baseUrl, paths, connections, seconds);
  const cpu = cpuSeconds(target.pid) - before;
  const databaseAfter = await databaseCpu?.();
  const answered = result.requests - result.errors - result.timeouts - result.non2xx3xx;
  return {
    ...(databaseBefore !== undefined && databaseAfter !== undefined ? { databaseCpuUsPerRequest: perRequest(spent(databaseBefore, databaseAfter), answered) } : {}),
    ...(result.cpuSeconds !== undefined ? { loadGeneratorCpuUsPerRequest: perRequest(result.cpuSeconds, answered) } : {}),
    answered,
    requestsPerSecond: result.requestsPerSecond,
    p50Ms: result.latencyMs.p50,
    p99Ms: result.latencyMs.p99,
    errors: result.errors + result.timeouts,
    non2xx3xx: result.non2xx3xx,
    cpuUsPerRequest: perRequest(cpu, answered),
  };
}

export async function pairedRounds(
  bare: { baseUrl: string; pid: number },
  service: { baseUrl: string; pid: number },
  paths: string[],
  options: { rounds: number; roundSeconds: number; connections: number; warmSeconds?: number; databaseCpu?: DatabaseCpu; log: (line: string) => void },
): Promise<PairedSummary> {
  // Each side first gets the same load, not counted: a service runs for days, so the rounds
  // measure code V8 has already optimized, not the compiler. Bare Fastify, with less code to
  // compile, was otherwise ahead in the first rounds.
  const warmSeconds = options.warmSeconds ?? 0;
  let warmAnswered = 0;
  if (warmSeconds > 0) {
    options.log(`warming both sides up: wrk, ${options.connections} connections, ${warmSeconds} s each, not counted`);
    await runWrk(bare.baseUrl, paths, options.connections, warmSeconds);
    const warm = await runWrk(service.baseUrl, paths, options.connections, warmSeconds);
    warmAnswered = warm.requests - warm.errors - warm.timeouts - warm.non2xx3xx;
  }
  const rounds: PairedRound[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const first = round % 2 === 1 ? 'bare' : 'service';
    options.log(`paired round ${round}/${options.rounds}: ${first === 'bare' ? 'bare Fastify, then the service' : 'the service, then bare Fastify'} (wrk, ${options.connections} connections, ${options.roundSeconds} s each)`);
    const sides: Partial<Record<'bare' | 'service', Side>> = {};
    for (const side of first === 'bare' ? (['bare', 'service'] as const) : (['service', 'bare'] as const)) {
      sides[side] = await measure(side === 'bare' ? bare : service, paths, options.connections, options.roundSeconds, options.databaseCpu);
    }
    const b = sides.bare!;
    const s = sides.service!;
    rounds.push({ round, first, bare: b, service: s, throughputRatio: s.requestsPerSecond / b.requestsPerSecond, p99Ratio: s.p99Ms / b.p99Ms });
  }
  const machine = (side: Side) =>
    side.databaseCpuUsPerRequest === undefined || side.loadGeneratorCpuUsPerRequest === undefined ? undefined : side.cpuUsPerRequest + side.databaseCpuUsPerRequest + side.loadGeneratorCpuUsPerRequest;
  const machineRatios = rounds.map((r) => (machine(r.bare) ?? NaN) / (machine(r.service) ?? NaN)).filter((ratio) => Number.isFinite(ratio));
  const throughput = rounds.map((r) => r.throughputRatio);
  const p99 = rounds.map((r) => r.p99Ratio);
  const summary = {
    connections: options.connections,
    roundSeconds: options.roundSeconds,
    warmSeconds,
    warmAnswered,
    rounds,
    medianThroughputRatio: median(throughput),
    medianP99Ratio: median(p99),
    ...(machineRatios.length === rounds.length ? { medianMachineCpuRatio: median(machineRatios) } : {}),
    throughputRatioRange: [Math.min(...throughput), Math.max(...throughput)] as [number, number],
    p99RatioRange: [Math.min(...p99), Math.max(...p99)] as [number, number],
    target: TARGET,
  };
  return { ...summary, met: summary.medianThroughputRatio >= TARGET.throughputRatio && summary.medianP99Ratio <= TARGET.p99Ratio && rounds.every((r) => r.service.errors === 0 && r.service.non2xx3xx === 0) };
}

const fixed = (value: number, digits = 2) => value.toFixed(digits);

export function formatPaired(summary: PairedSummary): string {
  // µs/req: CPU per answered request of the server process; PG: of the bench database's backends; wrk: of the load generator
  const header = ['round', 'first', 'bare req/s', 'bare p99 ms', 'bare µs/req', 'bare wrk', 'service req/s', 'service p99 ms', 'service µs/req', 'service PG', 'service wrk', 'ratio req/s', 'ratio p99'];
  const optional = (value: number | undefined) => (value === undefined ? 'n/a' : fixed(value, 1));
  const rows = summary.rounds.map((r) => [
    String(r.round),
    r.first,
    String(r.bare.requestsPerSecond),
    fixed(r.bare.p99Ms, 1),
    fixed(r.bare.cpuUsPerRequest, 1),
    optional(r.bare.loadGeneratorCpuUsPerRequest),
    String(r.service.requestsPerSecond),
    fixed(r.service.p99Ms, 1),
    fixed(r.service.cpuUsPerRequest, 1),
    optional(r.service.databaseCpuUsPerRequest),
    optional(r.service.loadGeneratorCpuUsPerRequest),
    `${fixed(r.throughputRatio)}x`,
    `${fixed(r.p99Ratio)}x`,
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
  return [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    '',
    `median throughput ratio ${fixed(summary.medianThroughputRatio)}x (rounds ${fixed(summary.throughputRatioRange[0])}-${fixed(summary.throughputRatioRange[1])}x), target >= ${summary.target.throughputRatio}x: ${verdict(summary.medianThroughputRatio >= summary.target.throughputRatio)}`,
    ...(summary.medianMachineCpuRatio === undefined
      ? []
      : [
          `CPU per request on the whole machine (server + PostgreSQL + wrk), bare's over the service's: median ${fixed(summary.medianMachineCpuRatio)}x ` +
            '(the throughput ratio when these alone keep every core busy)',
        ]),
    `median p99 ratio ${fixed(summary.medianP99Ratio)}x (rounds ${fixed(summary.p99RatioRange[0])}-${fixed(summary.p99RatioRange[1])}x), target <= ${summary.target.p99Ratio}x: ${verdict(summary.medianP99Ratio <= summary.target.p99Ratio)}`,
  ].join('\n');
}
