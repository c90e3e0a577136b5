import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// wrk (Debian package `wrk`) for the redirect figures: a C load generator costs the two
// shared cores far less than autocannon, so it measures the server rather than itself.
// A Lua script picks a random path per request and prints the figures as JSON at the end.

export interface WrkResult {
  requests: number;
  durationSeconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** connect, read, write errors and timeouts */
  errors: number;
  timeouts: number;
  /** responses outside 2xx and 3xx */
  non2xx3xx: number;
  /** wrk's own CPU time (user + system), in seconds, when GNU time is installed: it runs on the same cores as the server */
  cpuSeconds?: number;
}

const GNU_TIME = '/usr/bin/time';

const SCRIPT = (paths: string[]) => `
local paths = {${paths.map((path) => JSON.stringify(path)).join(',')}}
math.randomseed(os.time())
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"duration_us":%d,"errors":%d,"timeouts":%d,"non2xx3xx":%d,"p50":%.3f,"p95":%.3f,"p99":%.3f,"max":%.3f}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write, e.timeout, e.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
`;

export async function runWrk(baseUrl: string, paths: string[], connections: number, durationSeconds: number): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'urlshort-wrk-'));
  const script = join(dir, 'paths.lua');
  writeFileSync(script, SCRIPT(paths));
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const wrk = ['wrk', '-t2', `-c${connections}`, `-d${durationSeconds}s`, '--timeout', '10s', '-s', script, baseUrl];
      const [command, ...args] = existsSync(GNU_TIME) ? [GNU_TIME, '-f', 'WRK_CPU %U %S', ...wrk] : wrk;
      const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('error', (error) => reject(new Error(`wrk could not run (${error.message}): install the Debian package wrk (scripts/install-test-tools.sh does)`)));
      // (GNU time answers 127 when it cannot run wrk)
      const missing = () => new Error(`wrk could not run: install the Debian package wrk (scripts/install-test-tools.sh does)\n${text}`);
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(code === 127 ? missing() : new Error(`wrk exited with ${code}:\n${text}`))));
    });
    const line = output.split('\n').find((l) => l.startsWith('WRK_JSON '));
    if (!line) throw new Error(`wrk printed no figures:\n${output}`);
    const raw = JSON.parse(line.slice('WRK_JSON '.length)) as Record<string, number>;
    const cpu = /^WRK_CPU ([\d.]+) ([\d.]+)$/m.exec(output);
    const seconds = raw.duration_us! / 1e6;
    const round = (value: number) => Math.round(value * 100) / 100;
    return {
      requests: raw.requests!,
      durationSeconds: round(seconds),
      requestsPerSecond: Math.round(raw.requests! / seconds),
      latencyMs: { p50: round(raw.p50!), p95: round(raw.p95!), p99: round(raw.p99!), max: round(raw.max!) },
      errors: raw.errors!,
      timeouts: raw.timeouts!,
      non2xx3xx: raw.non2xx3xx!,
      ...(cpu ? { cpuSeconds: Number(cpu[1]) + Number(cpu[2]) } : {}),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
