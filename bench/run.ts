/**
 * `npm run bench`: measures what this project exists to do fast and prints a table, writes the
 * figures to bench/results.json and regenerates docs/benchmarks.md with the machine's description.
 * Every figure is a median of several runs; comparisons alternate the two commands run by run.
 * `--quick` runs each measurement fewer times; `--no-service` leaves out the URL shortener's load test;
 * `--no-cluster` the control plane's and Argo CD's figures, `--cluster-scratch` adds its build with an empty Go cache.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { copyProject } from '../test/support/platform';
import { argocdFigures } from './argocd';
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
interface PairedSide { requestsPerSecond: number; p99Ms: number }
interface ServiceFigures {
  paired?: {
    connections: number;
    rounds: { bare: PairedSide; service: PairedSide }[];
    medianThroughputRatio: number;
    medianP99Ratio: number;
    throughputRatioRange: [number, number];
    p99RatioRange: [number, number];
    target: { throughputRatio: number; p99Ratio: number };
    met: boolean;
  };
  openLoop: { target: string; offeredPerSecond: number; requestsPerSecond: number; latencyMs: { p99: number }; errors: number; timeouts: number; non2xx3xx: number }[];
  redirectEvents: { answered: number; recorded: number };
}

/** The URL shortener started as in production against the local PostgreSQL and Redis, beside bare Fastify. */
function service(figures: Figure[]): string {
  const json = path.join(os.tmpdir(), `platform-bench-${process.pid}.json`);
  const args = ['run', '-s', 'app:bench', '--', '--json', json, '--duration', QUICK ? '5' : '10', ...(QUICK ? ['--rounds', '5', '--round-seconds', '4'] : [])];
  const run = spawnSync('npm', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`npm run app:bench failed:\n${run.stderr}`);
  const result = JSON.parse(fs.readFileSync(json, 'utf8')) as ServiceFigures;
  fs.rmSync(json, { force: true });
  const paired = result.paired;
  if (paired) {
    const x = (ratio: number) => `${ratio.toFixed(2)}x`;
    const medianOf = (values: number[]) => Math.round(median(values));
    figures.push({
      name: `redirect from cache, ratio to bare Fastify's fixed 302 (wrk, ${paired.connections} connections, median of ${paired.rounds.length} paired rounds)`,
      value:
        `throughput ${x(paired.medianThroughputRatio)} (rounds ${x(paired.throughputRatioRange[0])}-${x(paired.throughputRatioRange[1])}), ` +
        `p99 ${x(paired.medianP99Ratio)} (rounds ${x(paired.p99RatioRange[0])}-${x(paired.p99RatioRange[1])}); ` +
        `medians ${medianOf(paired.rounds.map((r) => r.service.requestsPerSecond))} vs ${medianOf(paired.rounds.map((r) => r.bare.requestsPerSecond))} req/s; ` +
        `${result.redirectEvents.recorded} of ${result.redirectEvents.answered} redirects recorded`,
      target: `≥ ${x(paired.target.throughputRatio)} throughput, p99 ≤ ${x(paired.target.p99Ratio)}, every redirect recorded`,
      met: paired.met && result.redirectEvents.recorded >= result.redirectEvents.answered,
    });
  }
  for (const open of result.openLoop) {
    figures.push({
      name: `mixed scenario open-loop at ${open.offeredPerSecond} req/s (half the service's saturated throughput), ${open.target}`,
      value: `${open.requestsPerSecond} req/s answered, p99 ${open.latencyMs.p99} ms, ${open.errors + open.timeouts} errors, ${open.non2xx3xx} non-2xx/3xx`,
    });
  }
  // The app's own tables: the paired rounds, the open loop, every scenario.
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
  if (!process.argv.includes('--no-cluster')) {
    await clusterFigures(figures, process.argv.includes('--cluster-scratch'));
    await argocdFigures(figures);
  }
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
    ...(serviceTable ? ['## The URL shortener, scenario by scenario', '', 'Started as in production (`npm run app:start`), against the local PostgreSQL and Redis, seeded with 400 users, 2,000 URLs and 3,000+ events, beside bare Fastify answering a fixed 302, on the same machine. Cached redirects in paired rounds under wrk (bare and service alternate, the order swapping each round; the figure is the median of the per-round ratios; µs/req is the server process\'s CPU per answered request); the mixed scenario open-loop at half its closed-loop throughput under autocannon; the API closed-loop under autocannon.', '', '```', serviceTable, '```', ''] : []),
  ].join('\n'));
}

void main();
