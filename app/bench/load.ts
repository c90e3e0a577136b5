import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type autocannon from 'autocannon';
import pg from 'pg';
import { generateShortCode } from '../src/lib/short-code.js';
import { ApiKeysRepository } from '../src/repositories/api-keys.js';
import { seed } from '../src/seed.js';
import { freePort } from '../test/helpers/ports.js';
import { createDatabase, deleteKeys } from '../test/helpers/services.js';
import { runAutocannon, type ScenarioResult } from './autocannon-run.js';
import { formatOpenLoop, openLoop, type OpenLoopResult } from './open-loop.js';
import { formatPaired, pairedRounds, processCpuSeconds, type DatabaseCpu, type PairedSummary } from './paired.js';

// The service's load benchmark: its own database and key prefix, a seeded data set
// (400 users, 2,000 URLs, 3,000+ events), the compiled server started as in production, and
// bare Fastify beside it. Cached redirects in paired rounds against bare Fastify (wrk, 100
// connections, the ratio per round); the API under autocannon at 100 and 500 connections; the
// mixed scenario closed-loop to find its saturation, then open-loop at half of it, beside bare
// Fastify at the same rate.

export interface BenchOptions {
  /** A PostgreSQL URL whose server the benchmark may create a database on. @default postgres://platform_test:platform_test@127.0.0.1:5432/postgres */
  databaseUrl?: string;
  /** Redis/Valkey for the cached runs; keys go under a unique prefix and are removed after. @default redis://127.0.0.1:6379/0 */
  redisUrl?: string;
  /** Seconds per scenario. @default 10 */
  durationSeconds?: number;
  /** Paired rounds of cached redirects against bare Fastify (the target asks for at least 5). @default 7 */
  rounds?: number;
  /** Seconds of each side of a paired round. @default 6 */
  roundSeconds?: number;
  /** Connection counts to run each scenario at. @default [100, 500] */
  connections?: number[];
  /** Where to write the figures as JSON. @default app/bench/results.json */
  jsonPath?: string | null;
  /** Run only the scenarios whose name contains one of these strings. @default - all */
  only?: string[];
  /** Progress lines. @default console.log */
  log?: (line: string) => void;
}

export type { ScenarioResult };

export interface BenchResult {
  date: string;
  /** `loadAverage` is the 1-minute load when the run started: other work on the machine skews the figures. */
  machine: { cpus: number; model: string; node: string; loadAverage: number };
  dataset: { users: number; urls: number; events: number };
  scenarios: ScenarioResult[];
  /** Cached redirects against bare Fastify, round by round. */
  paired?: PairedSummary;
  /** The mixed scenario at half its saturated rate, on the service and on bare Fastify. */
  openLoop: OpenLoopResult[];
  /** Redirect events found in PostgreSQL after the paired rounds, against the 302s the service answered in them. */
  redirectEvents: { answered: number; recorded: number };
  /** 1-minute load average when the run ended */
  loadAverageAtEnd: number;
}

const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
const SERVER = join(APP_DIR, 'build', 'server.js');
const BARE_FASTIFY = join(APP_DIR, 'bench', 'bare-fastify.mjs');
const USERS = 400;
export const PAIRED_LABEL = 'redirect (cache hit)';
export const MIXED_LABEL = 'mixed (80% redirect, 10% list, 5% user, 5% create)';
const URLS = 2000;
const EXTRA_EVENTS = 1200;

const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;
const csvTime = (date: Date) => date.toISOString().slice(0, 19).replace('T', ' ');

function writeDataset(dir: string): { codes: string[] } {
  const now = Date.now();
  const users = ['id,username,email,created_at'];
  for (let id = 1; id <= USERS; id++) users.push(`${id},user${id},user${id}@bench.example,${csvTime(new Date(now - 86_400_000 * 30))}`);
  const urls = ['id,user_id,short_code,original_url,title,is_active,created_at,updated_at'];
  const events = ['id,url_id,user_id,event_type,timestamp,details'];
  const codes = new Set<string>();
  let eventId = 0;
  for (let id = 1; id <= URLS; id++) {
    let code = generateShortCode();
    while (codes.has(code)) code = generateShortCode();
    codes.add(code);
    const userId = 1 + (id % USERS);
    const target = `https://example.com/articles/${id}?ref=bench`;
    const time = csvTime(new Date(now - 86_400_000 * 10));
    urls.push(`${id},${userId},${code},${target},Article ${id},True,${time},${time}`);
    const details = JSON.stringify({ short_code: code, original_url: target }).replace(/"/g, '""');
    events.push(`${++eventId},${id},${userId},created,${time},"${details}"`);
  }
  const codeList = [...codes];
  for (let i = 0; i < EXTRA_EVENTS; i++) {
    const urlId = 1 + Math.floor(Math.random() * URLS);
    const details = JSON.stringify({ short_code: codeList[urlId - 1], original_url: `https://example.com/articles/${urlId}?ref=bench` }).replace(/"/g, '""');
    events.push(`${++eventId},${urlId},${1 + (urlId % USERS)},redirect,${csvTime(new Date(now - 3_600_000))},"${details}"`);
  }
  writeFileSync(join(dir, 'users.csv'), `${users.join('\n')}\n`);
  writeFileSync(join(dir, 'urls.csv'), `${urls.join('\n')}\n`);
  writeFileSync(join(dir, 'events.csv'), `${events.join('\n')}\n`);
  return { codes: codeList };
}

interface Service {
  baseUrl: string;
  pid: number;
  stop(): Promise<number | null>;
}

/**
 * The V8 settings the image starts the service with (app/Dockerfile's CMD, `npm start`): a young
 * generation twice V8's default, so the redirect path's short-lived objects and a second of
 * buffered events are scavenged less often and promoted less (12% less CPU per cached redirect
 * in two runs; docs/decisions.md).
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=32'];

/** Starts the compiled server the way `npm run app:start` does, logging to a file as a pod would to stdout. */
async function startService(env: Record<string, string>, logPath: string, script = SERVER): Promise<Service> {
  if (!existsSync(script)) throw new Error(`${SERVER} is missing: run npm run app:build first (npm run app:bench does)`);
  const port = await freePort();
  const logFile = openSync(logPath, 'w');
  // BENCH_NODE_ARGS profiles the service, e.g. "--cpu-prof --cpu-prof-dir=/tmp/profiles". Bare
  // Fastify runs with the service's V8 settings too, so the pair differs only in the code.
  const nodeArgs = [...SERVICE_NODE_FLAGS, ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, script], {
    cwd: APP_DIR,
    // BENCH_SERVICE_ENV adds settings to the service, e.g. '{"OPEN_API":"true"}' to compare modes.
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), ...env, ...JSON.parse(process.env.BENCH_SERVICE_ENV ?? '{}') },
    // the file itself as stdout, as a pod's runtime takes it: piping it through this process
    // would spend the benchmark's CPU on copying log lines
    stdio: ['ignore', logFile, logFile],
  });
  closeSync(logFile);
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited during start; see ${logPath}`);
    try {
      if ((await fetch(`${baseUrl}/ready`, { redirect: 'manual' })).status < 400) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the service was not ready within 30 s; see ${logPath}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  return {
    baseUrl,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

interface Scenario {
  name: string;
  requests: autocannon.Request[];
}

const runScenario = (baseUrl: string, scenario: Scenario, connections: number, durationSeconds: number): Promise<ScenarioResult> =>
  runAutocannon(baseUrl, scenario.name, scenario.requests, { connections, durationSeconds });

export function formatTable(scenarios: ScenarioResult[]): string {
  const header = ['scenario', 'conns', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'non-2xx/3xx'];
  const rows = scenarios.map((s) => [
    s.name,
    String(s.connections),
    String(s.requestsPerSecond),
    s.latencyMs.p50.toFixed(1),
    s.latencyMs.p95.toFixed(1),
    s.latencyMs.p99.toFixed(1),
    String(s.errors + s.timeouts),
    String(s.non2xx3xx),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}


export async function runLoadBenchmark(options: BenchOptions = {}): Promise<BenchResult> {
  const adminUrl = options.databaseUrl ?? process.env.BENCH_DATABASE_URL ?? 'postgres://platform_test:platform_test@127.0.0.1:5432/postgres';
  const redisUrl = options.redisUrl ?? process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
  const duration = options.durationSeconds ?? 10;
  const rounds = options.rounds ?? 7;
  const roundSeconds = options.roundSeconds ?? 6;
  const connectionCounts = options.connections ?? [100, 500];
  const log = options.log ?? ((line: string) => console.log(line));
  const loadAverage = Math.round(loadavg()[0]! * 100) / 100;
  const selected = (name: string) => !options.only || options.only.some((part) => name.includes(part));
  const database = await createDatabase(adminUrl, 'urlshort_bench');
  const { name, url: databaseUrl } = database;
  const prefix = `${name}:`;
  const work = mkdtempSync(join(tmpdir(), 'urlshort-bench-'));

  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const services: Service[] = [];
  try {
    log(`seeding ${name}: ${USERS} users, ${URLS} URLs, ${URLS + EXTRA_EVENTS} events`);
    const { codes } = writeDataset(work);
    await seed(work, pool);
    const count = async (sql: string) => (await pool.query<{ n: number }>(sql)).rows[0]!.n;
    const dataset = {
      users: await count('SELECT count(*)::int AS n FROM users'),
      urls: await count('SELECT count(*)::int AS n FROM urls'),
      events: await count('SELECT count(*)::int AS n FROM events'),
    };

    // The API scenarios write as an admin (the default mode needs API keys). The limits stay
    // on, so their Valkey round trips are measured, but high enough never to refuse the load.
    const keys = new ApiKeysRepository(pool);
    await keys.setAdmin(1, true);
    const auth = { authorization: `Bearer ${(await keys.create(1, 'bench'))!.key}` };
    const limits = { RATE_LIMIT_PER_ADDRESS: '10000000', RATE_LIMIT_PER_KEY: '10000000', RATE_LIMIT_CREATES: '10000000', RATE_LIMIT_REDIRECT_MISSES: '10000000' };

    const redirect = (label: string): Scenario => ({
      name: label,
      requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: `/${pick(codes)}` }) }],
    });
    const createUrl: Scenario = {
      name: 'create URL',
      requests: [
        {
          method: 'POST',
          path: '/urls',
          headers: { 'content-type': 'application/json', ...auth },
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({ user_id: 1 + Math.floor(Math.random() * USERS), original_url: `https://example.com/new/${Math.random()}`, title: 'bench' }),
          }),
        },
      ],
    };
    const listUrls: Scenario = {
      name: 'list URLs',
      requests: [
        {
          method: 'GET',
          headers: auth,
          setupRequest: (request) => ({
            ...request,
            path: Math.random() < 0.5 ? `/urls?user_id=${1 + Math.floor(Math.random() * USERS)}` : `/urls?page=${1 + Math.floor(Math.random() * 50)}&per_page=20`,
          }),
        },
      ],
    };
    const getUser: Scenario = {
      name: 'get user',
      requests: [{ method: 'GET', headers: auth, setupRequest: (request) => ({ ...request, path: `/users/${1 + Math.floor(Math.random() * USERS)}` }) }],
    };
    const mixed: Scenario = {
      name: MIXED_LABEL,
      requests: [
        {
          method: 'GET',
          headers: auth,
          setupRequest: (request) => {
            const roll = Math.random();
            if (roll < 0.8) return { ...request, method: 'GET', path: `/${pick(codes)}`, body: undefined };
            if (roll < 0.9) return { ...request, method: 'GET', path: `/urls?user_id=${1 + Math.floor(Math.random() * USERS)}`, body: undefined };
            if (roll < 0.95) return { ...request, method: 'GET', path: `/users/${1 + Math.floor(Math.random() * USERS)}`, body: undefined };
            return {
              ...request,
              method: 'POST',
              path: '/urls',
              headers: { 'content-type': 'application/json', ...auth },
              body: JSON.stringify({ user_id: 1 + Math.floor(Math.random() * USERS), original_url: `https://example.com/mixed/${Math.random()}` }),
            };
          },
        },
      ],
    };

    const scenarios: ScenarioResult[] = [];
    const run = async (baseUrl: string, scenario: Scenario, connections: number) => {
      if (!selected(scenario.name)) return undefined;
      log(`running ${scenario.name} at ${connections} connections for ${duration} s`);
      const result = await runScenario(baseUrl, scenario, connections, duration);
      scenarios.push(result);
      return result;
    };
    const redirectCount = () => count("SELECT count(*)::int AS n FROM events WHERE event_type = 'redirect'");

    // bare Fastify answering a fixed 302 and the service with Valkey, side by side
    // BENCH_PEER_SERVER puts another build of the service (e.g. main's build/server.js) in bare
    // Fastify's place, with the service's settings: the paired rounds then compare two builds.
    const serviceEnv = { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, CACHE_PREFIX: prefix, ...limits };
    const peer = process.env.BENCH_PEER_SERVER;
    if (peer) log(`the peer is ${peer} (BENCH_PEER_SERVER), not bare Fastify`);
    const bare = peer ? await startService(serviceEnv, join(work, 'peer-service.log'), resolve(peer)) : await startService({}, join(work, 'bare-fastify.log'), BARE_FASTIFY);
    services.push(bare);
    const cached = await startService(serviceEnv, join(work, 'service-cached.log'));
    services.push(cached);
    for (const warmed of peer ? [cached, bare] : [cached]) {
      for (let i = 0; i < codes.length; i += 100) {
        await Promise.all(codes.slice(i, i + 100).map((code) => fetch(`${warmed.baseUrl}/${code}`, { redirect: 'manual' }).then((r) => r.arrayBuffer())));
      }
    }
    await new Promise((done) => setTimeout(done, 1500));

    // 1. cached redirects, as a ratio to bare Fastify in paired rounds
    let paired: PairedSummary | undefined;
    let answered = 0;
    let recorded = 0;
    if (selected(PAIRED_LABEL)) {
      const eventsBefore = await redirectCount();
      // PostgreSQL's share of a redirect: the backends of the bench's database, read from /proc
      // when PostgreSQL runs on this machine (the WAL writer and checkpointer are not counted)
      const databaseCpu: DatabaseCpu = async () => {
        const { rows } = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
        const seconds = new Map<number, number>();
        for (const { pid } of rows) {
          const cpu = processCpuSeconds(pid);
          if (cpu === undefined) return undefined;
          seconds.set(pid, cpu);
        }
        return seconds;
      };
      paired = await pairedRounds(bare, cached, codes.map((code) => `/${code}`), { rounds, roundSeconds, connections: 100, warmSeconds: roundSeconds, databaseCpu, log });
      answered = paired.warmAnswered + paired.rounds.reduce((sum, round) => sum + round.service.answered, 0);
      // batches are flushed at least once a second; a loaded machine may need a few rounds
      for (let waited = 0; waited < 15_000; waited += 1500) {
        await new Promise((done) => setTimeout(done, 1500));
        const now = (await redirectCount()) - eventsBefore;
        if (now === recorded || now >= answered) {
          recorded = now;
          break;
        }
        recorded = now;
      }
    }

    // 2. the API, closed-loop
    for (const scenario of [createUrl, listUrls, getUser]) {
      for (const connections of connectionCounts) await run(cached.baseUrl, scenario, connections);
    }

    // 3. mixed: closed-loop at the most connections to find where it saturates, then open-loop at half that rate
    const openLoops: OpenLoopResult[] = [];
    const mostConnections = Math.max(...connectionCounts);
    const saturated = await run(cached.baseUrl, mixed, mostConnections);
    if (saturated) {
      const rate = Math.max(1, Math.round(saturated.requestsPerSecond / 2));
      for (const [target, server] of [['service', cached], ['bare Fastify', bare]] as const) {
        log(`running ${mixed.name} open-loop at ${rate} req/s (${mostConnections} connections) on ${target} for ${duration} s`);
        openLoops.push(await openLoop(target, server.baseUrl, mixed.name, mixed.requests, { connections: mostConnections, ratePerSecond: rate, durationSeconds: duration }));
      }
    }
    await cached.stop();
    await bare.stop();

    // 4. without a cache every redirect is a PostgreSQL lookup
    if (selected('redirect (cache miss)')) {
      const uncached = await startService({ DATABASE_URL: databaseUrl, ...limits }, join(work, 'service-uncached.log'));
      services.push(uncached);
      for (const connections of connectionCounts) await run(uncached.baseUrl, redirect('redirect (cache miss)'), connections);
      await uncached.stop();
    }

    const loadAverageAtEnd = Math.round(loadavg()[0]! * 100) / 100;
    const result: BenchResult = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverage },
      dataset,
      scenarios,
      paired,
      openLoop: openLoops,
      redirectEvents: { answered, recorded },
      loadAverageAtEnd,
    };
    log('');
    log(`1-minute load average: ${loadAverage} when the run started, ${loadAverageAtEnd} when it ended, on ${cpus().length} CPUs`);
    if (paired) {
      log('');
      log(`${PAIRED_LABEL}: paired rounds against bare Fastify (fixed 302), wrk at ${paired.connections} connections, ${paired.roundSeconds} s per side, after ${paired.warmSeconds} s of load per side not counted`);
      log(formatPaired(paired));
      log(`redirect events: ${recorded} recorded for ${answered} redirects the service answered in the rounds and the warm-up before them`);
    }
    if (openLoops.length > 0) {
      log('');
      log(`${MIXED_LABEL}, open-loop at half the closed-loop throughput (autocannon overallRate: each connection sends its share at the start of each second; latency of every response, from its send)`);
      log(formatOpenLoop(openLoops));
    }
    log('');
    log('closed-loop scenarios (autocannon)');
    log(formatTable(scenarios));
    const jsonPath = options.jsonPath === undefined ? join(APP_DIR, 'bench', 'results.json') : options.jsonPath;
    if (jsonPath) {
      mkdirSync(dirname(resolve(jsonPath)), { recursive: true });
      writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
      log(`figures written to ${jsonPath}`);
    }
    return result;
  } finally {
    await Promise.all(services.map((service) => service.stop().catch(() => undefined)));
    await pool.end();
    await database.drop();
    await deleteKeys(redisUrl, prefix).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

function parseArgs(argv: string[]): BenchOptions {
  const options: BenchOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--json' && value) options.jsonPath = argv[++i]!;
    else if (flag === '--duration' && value) options.durationSeconds = Number(argv[++i]);
    else if (flag === '--connections' && value) options.connections = argv[++i]!.split(',').map(Number);
    else if (flag === '--only' && value) options.only = argv[++i]!.split(',');
    else if (flag === '--rounds' && value) options.rounds = Number(argv[++i]);
    else if (flag === '--round-seconds' && value) options.roundSeconds = Number(argv[++i]);
    else throw new Error(`unknown or incomplete option ${flag}; use --json <file>, --duration <s>, --connections 100,500, --only <name,...>, --rounds <n>, --round-seconds <s>`);
  }
  if (options.durationSeconds !== undefined && !(options.durationSeconds > 0)) throw new Error('--duration must be a positive number of seconds');
  if (options.connections?.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--connections takes positive integers, e.g. 100,500');
  if (options.rounds !== undefined && !(Number.isInteger(options.rounds) && options.rounds >= 1)) throw new Error('--rounds must be a positive integer');
  if (options.roundSeconds !== undefined && !(options.roundSeconds > 0)) throw new Error('--round-seconds must be a positive number of seconds');
  return options;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runLoadBenchmark(parseArgs(process.argv.slice(2))).catch((error: unknown) => {
    console.error(`benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
