import autocannon from 'autocannon';

// The mixed scenario at a fixed offered rate (autocannon's overallRate), where latency means
// something: a closed loop of 500 connections saturates the service, and then its latency is
// only the length of its queue. autocannon corrects for coordinated omission at a fixed rate
// (a request that could not be sent on time counts as waiting from when it should have been).

export interface OpenLoopResult {
  target: string;
  connections: number;
  offeredPerSecond: number;
  durationSeconds: number;
  achievedPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx3xx: number;
}

export async function openLoop(
  target: string,
  baseUrl: string,
  requests: autocannon.Request[],
  options: { connections: number; ratePerSecond: number; durationSeconds: number },
): Promise<OpenLoopResult> {
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      { url: baseUrl, connections: options.connections, duration: options.durationSeconds, overallRate: options.ratePerSecond, timeout: 10, requests },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
  });
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    target,
    connections: options.connections,
    offeredPerSecond: options.ratePerSecond,
    durationSeconds: options.durationSeconds,
    achievedPerSecond: Math.round(result.requests.total / options.durationSeconds),
    latencyMs: { p50: round(result.latency.p50), p90: round(result.latency.p90), p99: round(result.latency.p99), max: round(result.latency.max) },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx3xx: result.non2xx,
  };
}

export function formatOpenLoop(results: OpenLoopResult[]): string {
  const header = ['target', 'conns', 'offered/s', 'achieved/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'errors', 'non-2xx/3xx'];
  const rows = results.map((r) => [
    r.target,
    String(r.connections),
    String(r.offeredPerSecond),
    String(r.achievedPerSecond),
    r.latencyMs.p50.toFixed(1),
    r.latencyMs.p90.toFixed(1),
    r.latencyMs.p99.toFixed(1),
    r.latencyMs.max.toFixed(1),
    String(r.errors + r.timeouts),
    String(r.non2xx3xx),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
