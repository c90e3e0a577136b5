/**
 * `npm run bench`: measures what this project exists to do fast and prints a table, writes the
 * figures to bench/results.json and regenerates docs/benchmarks.md with the machine's description.
 * Every figure is a median of several runs; comparisons alternate the two commands run by run.
 * `--quick` runs each measurement fewer times; `--no-service` leaves out the URL shortener's load test;
 * `--no-cluster` the control plane's figures, `--cluster-scratch` adds its build with an empty Go cache.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { copyProject } from '../test/support/platform';
import { clusterFigures } from './cluster';

const ROOT = path.resolve(__dirname, '..');
const QUICK = process.argv.includes('--quick');
const RUNS = QUICK ? 3 : 5;

interface Run { ms: number; maxRssKb?: number }
export interface Figure { name: string; value: string; target?: string; met?: boolean; detail?: string }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const hasGnuTime = fs.existsSync('/usr/bin/time');

/** Runs a command, returning wall time and (with GNU time) the peak resident memory of its process tree. */
function timed(command: string, args: string[], cwd: string): Run {
  const start = performance.now();
  const result = hasGnuTime
    ? spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], { cwd, encoding: 'utf8' })
    : spawnSync(command, args, { cwd, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  const rss = hasGnuTime ? Number(result.stderr.trim().split('\n').pop()) : undefined;
  return { ms, maxRssKb: rss };
}

function child(args: string[]): any {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/measure-synthetic.ts', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').pop()!);
}

const mb = (kb?: number) => (kb === undefined ? 'n/a' : `${Math.round(kb / 1024)} MiB`);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function fullPlatform(figures: Figure[]): void {
  const project = copyProject();
  // The cdk8s project template's path, on a second copy of the same code: `cdk8s synth` running `npx ts-node main.ts`.
  const template = copyProject();
  try {
    const config = path.join(template, 'cdk8s.yaml');
    fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace(/^app: .*$/m, 'app: npx ts-node main.ts'));
    timed('npm', ['run', '-s', 'synth'], project); // warm the transform and schema caches once
    const ours: Run[] = [];
    const theirs: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      ours.push(timed('npm', ['run', '-s', 'synth'], project));
      theirs.push(timed(path.join(ROOT, 'node_modules/.bin/cdk8s'), ['synth'], template));
    }
    const a = median(ours.map(r => r.ms));
    const b = median(theirs.map(r => r.ms));
    figures.push(
      { name: 'full-platform synth (npm run synth)', value: `${s(a)}, ${mb(median(ours.map(r => r.maxRssKb ?? 0)))}`, target: '≤ 1 s', met: a <= 1000 },
      { name: 'template path (cdk8s synth, npx ts-node main.ts)', value: `${s(b)}, ${mb(median(theirs.map(r => r.maxRssKb ?? 0)))}` },
      { name: 'speed-up over the template path', value: `${(b / a).toFixed(1)}×`, target: '≥ 3×', met: b / a >= 3 },
    );
    // The same synth when no chart rendering is cached: every HelmChart runs the pinned `helm template`.
    const renders = path.join(project, '.cache/helm-renders');
    const cold = median(Array.from({ length: RUNS }, () => {
      fs.rmSync(renders, { recursive: true, force: true });
      return timed('npm', ['run', '-s', 'synth'], project).ms;
    }));
    figures.push({ name: 'full-platform synth, chart renderings not cached (helm template runs)', value: s(cold) });
    const validate = median(Array.from({ length: RUNS }, () => timed('npm', ['run', '-s', 'validate', '--', 'dist', 'argocd'], project).ms));
    figures.push({ name: 'validate the full platform (npm run validate -- dist argocd)', value: s(validate), target: '≤ 1 s', met: validate <= 1000 });
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
    fs.rmSync(template, { recursive: true, force: true });
  }
}

function growth(figures: Figure[]): void {
  const results = [10, 100, 1000].map(apps => {
    const runs = Array.from({ length: QUICK && apps === 1000 ? 1 : 3 }, () => child([String(apps)]));
    return { apps, objects: runs[0].objects, ms: median(runs.map(r => r.ms)), maxRssKb: median(runs.map(r => r.maxRssKb)) };
  });
  for (const r of results) {
    figures.push({
      name: `${r.apps}-app synth + validate (${r.objects} objects)`,
      value: `${s(r.ms)}, ${mb(r.maxRssKb)}, ${(r.ms / r.objects).toFixed(2)} ms/object`,
      ...(r.apps === 1000 ? { target: '≤ 10 s, ≤ 1 GiB', met: r.ms <= 10_000 && r.maxRssKb <= 1024 * 1024 } : {}),
    });
  }
  const diff = median(Array.from({ length: QUICK ? 1 : 3 }, () => child(['1000', 'diff']).ms));
  figures.push({ name: '1000-app diff (1% of objects changed)', value: s(diff), target: '≤ 10 s', met: diff <= 10_000 });
}

/** Figures of the URL shortener's load benchmark (app/bench/load.ts), as it writes them in JSON. */
interface ServiceScenario { name: string; connections: number; requestsPerSecond: number; latencyMs: { p95: number; p99: number }; errors: number; non2xx3xx: number }

/** The URL shortener started as in production against the local PostgreSQL and Redis, under autocannon. */
function service(figures: Figure[]): string {
  const json = path.join(os.tmpdir(), `platform-bench-${process.pid}.json`);
  const run = spawnSync('npm', ['run', '-s', 'app:bench', '--', '--json', json, '--duration', QUICK ? '5' : '10'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`npm run app:bench failed:\n${run.stderr}`);
  const result = JSON.parse(fs.readFileSync(json, 'utf8')) as { scenarios: ServiceScenario[] };
  fs.rmSync(json, { force: true });
  const find = (name: string, connections: number) => result.scenarios.find(r => r.name.startsWith(name) && r.connections === connections);
  const cached = find('redirect (cache hit)', 100);
  const bare = find('bare Fastify', 100);
  const mixed = find('mixed', 500);
  // every service figure beside bare Fastify's fixed 302, measured in the same run
  const beside = (r: ServiceScenario) => (bare ? ` (bare Fastify: ${Math.round(bare.requestsPerSecond)} req/s, p99 ${bare.latencyMs.p99} ms; ${Math.round((100 * r.requestsPerSecond) / bare.requestsPerSecond)} %)` : '');
  if (bare) {
    figures.push({ name: 'bare Fastify, fixed 302 (wrk), 100 connections', value: `${Math.round(bare.requestsPerSecond)} req/s, p99 ${bare.latencyMs.p99} ms, ${bare.errors} errors` });
  }
  if (cached) {
    figures.push({
      name: 'redirect from cache (wrk), 100 connections',
      value: `${Math.round(cached.requestsPerSecond)} req/s, p99 ${cached.latencyMs.p99} ms, ${cached.errors} errors${beside(cached)}`,
      target: '≥ 30,000 req/s, p99 ≤ 20 ms, 0 errors',
      met: cached.requestsPerSecond >= 30_000 && cached.latencyMs.p99 <= 20 && cached.errors === 0,
    });
  }
  if (mixed) {
    figures.push({
      name: '500 connections, mixed',
      value: `${Math.round(mixed.requestsPerSecond)} req/s, p95 ${mixed.latencyMs.p95} ms, ${mixed.errors} errors, ${mixed.non2xx3xx} non-2xx/3xx${beside(mixed)}`,
      target: '0 errors, p95 ≤ 100 ms',
      met: mixed.errors === 0 && mixed.latencyMs.p95 <= 100,
    });
  }
  // The app's own table of every scenario.
  return run.stdout.trim();
}

function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node.js ${process.version}`;
}

function report(figures: Figure[]): string {
  const rows = figures.map(f => `| ${f.name} | ${f.value} | ${f.target ?? ''} | ${f.met === undefined ? '' : f.met ? 'met' : '**missed**'} |`);
  return ['| figure | measured | target | |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

async function main(): Promise<void> {
  const figures: Figure[] = [];
  fullPlatform(figures);
  growth(figures);
  if (!process.argv.includes('--no-cluster')) await clusterFigures(figures, process.argv.includes('--cluster-scratch'));
  const serviceTable = process.argv.includes('--no-service') ? undefined : service(figures);
  const table = report(figures);
  console.log(table);
  if (serviceTable) console.log(`\n${serviceTable}`);
  fs.writeFileSync(path.join(ROOT, 'bench/results.json'), `${JSON.stringify({ machine: machine(), runs: RUNS, figures }, null, 2)}\n`);
  fs.writeFileSync(path.join(ROOT, 'docs/benchmarks.md'), [
    '# Benchmarks',
    '',
    'Generated by `npm run bench`; each figure is the median of several runs, and the two synth paths',
    'alternate run by run. Peak memory is the maximum resident set of the process tree (GNU time).',
    '',
    `Machine: ${machine()}.`,
    '',
    table,
    '',
    ...(serviceTable ? ['## The URL shortener, scenario by scenario', '', 'Started as in production (`npm run app:start`), against the local PostgreSQL and Redis, seeded with 400 users, 2,000 URLs and 3,000+ events; redirects under wrk, the API under autocannon, on the same machine, beside bare Fastify answering a fixed 302 in the same run.', '', '```', serviceTable, '```', ''] : []),
  ].join('\n'));
}

void main();
