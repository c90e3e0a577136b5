import type autocannon from 'autocannon';
import { runAutocannon, type ScenarioResult } from './autocannon-run.js';

// The mixed scenario at a fixed offered rate, where latency means something: a closed loop of
// 500 connections saturates the service, and then its latency is only the length of its queue.
// autocannon's overallRate gives each connection its share of the rate, which it sends at the
// start of each second: the load comes in one burst a second, alike for both servers, and the
// latencies include each burst's queue. They are measured from each request's send, on every
// response.

export interface OpenLoopResult extends ScenarioResult {
  /** which server: the service or bare Fastify */
  target: string;
  offeredPerSecond: number;
}

export async function openLoop(
  target: string,
  baseUrl: string,
  name: string,
  requests: autocannon.Request[],
  options: { connections: number; ratePerSecond: number; durationSeconds: number },
): Promise<OpenLoopResult> {
  const result = await runAutocannon(baseUrl, name, requests, { connections: options.connections, durationSeconds: options.durationSeconds, overallRate: options.ratePerSecond });
  return { ...result, target, offeredPerSecond: options.ratePerSecond };
}

export function formatOpenLoop(results: OpenLoopResult[]): string {
  const header = ['target', 'conns', 'offered/s', 'answered/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors', 'non-2xx/3xx'];
  const rows = results.map((r) => [
    r.target,
    String(r.connections),
    String(r.offeredPerSecond),
    String(r.requestsPerSecond),
    r.latencyMs.p50.toFixed(1),
    r.latencyMs.p95.toFixed(1),
    r.latencyMs.p99.toFixed(1),
    r.latencyMs.max.toFixed(1),
    String(r.errors + r.timeouts),
    String(r.non2xx3xx),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
