/**
 * `npm run bench`: measures what this project exists to do fast and prints a table, writes the
 * figures to bench/results.json and regenerates docs/benchmarks.md with the machine's description.
 * Every figure is a median of several runs; comparisons alternate the commands run by run. Synth
 * and validate are also given as ratios to the floor, a node process that only loads cdk8s and
 * cdk8s-plus-30, measured in the same run: the bench exits 1 when warm synth is above 3x that floor
 * (issue #24), or when the floor could not be measured.
 * `--quick` runs each measurement fewer times; `--no-service` leaves out the URL shortener's load test;
 * `--no-cluster` the control plane's and Argo CD's figures, `--cluster-scratch` adds its build with an empty Go cache.
 * `--suite` also runs `npm test` (minutes) and reports its wall time and its slowest files; `--ci`
 * runs `.ci/run` on a clean clone of HEAD (minutes) and reports its time and its `npm test`'s (bench/ci.ts).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { copyProject } from '../test/support/platform';
import { argocdFigures } from './argocd';
import { ciFigures } from './ci';
import { clusterFigures } from './cluster';
import { FLOOR_SCRIPT, Floor, FULL_SYNTH_FLOOR_RATIO, SYNTH_FLOOR_RATIO, VALIDATE_FLOOR_RATIO, floorGuard } from './floor';
import { BEFORE, Figure } from './figure';
import { lastSuiteRun, suiteFigures } from './suite';

const OPTIONS = ['--quick', '--no-service', '--no-cluster', '--cluster-scratch', '--suite', '--ci'];
const args = process.argv.slice(2);
const has = (option: string) => args.includes(option);
// Bad options are refused before any work, naming them.
const unknown = args.filter(a => !OPTIONS.includes(a));
if (unknown.length) {
  console.error(`npm run bench: unknown option ${unknown.join(', ')}; the options are ${OPTIONS.join(', ')}`);
  process.exit(2);
}
if (has('--cluster-scratch') && has('--no-cluster')) {
  console.error('npm run bench: --cluster-scratch measures the control plane, which --no-cluster leaves out');
  process.exit(2);
}

const ROOT = path.resolve(__dirname, '..');
const QUICK = has('--quick');
const RUNS = QUICK ? 3 : 5;
// The machine may be shared: the load says how far to trust a time (a ratio to the floor, more).
const LOAD_AT_START = os.loadavg()[0].toFixed(2);

interface Run { ms: number; maxRssKb?: number; stdout: string }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const hasGnuTime = fs.existsSync('/usr/bin/time');

/** Runs a command, returning wall time and (with GNU time) the peak resident memory of its process tree. */
function timed(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Run {
  const start = performance.now();
  const result = hasGnuTime
    ? spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], { cwd, encoding: 'utf8', env })
    : spawnSync(command, args, { cwd, encoding: 'utf8', env });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  const rss = hasGnuTime ? Number(result.stderr.trim().split('\n').pop()) : undefined;
  return { ms, maxRssKb: rss, stdout: result.stdout };
}

function child(args: string[]): any {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/measure-synthetic.ts', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').pop()!);
}

const mb = (kb?: number) => (kb === undefined ? 'n/a' : `${Math.round(kb / 1024)} MiB`);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function floor(cwd: string): Run {
  const run = timed(process.execPath, ['-e', FLOOR_SCRIPT], cwd);
  if (run.stdout !== 'loaded') throw new Error(`the floor process (node -e "${FLOOR_SCRIPT}") did not load cdk8s and cdk8s-plus-30: it printed ${JSON.stringify(run.stdout)}`);
  return run;
}

/** The memo off: a run that replays nothing and keeps nothing. */
const FULL_RUN = { ...process.env, PLATFORM_MEMO: 'off' };
const REPLAYED = '\n(replayed: ';

/** A run timed as "nothing changed" must have been replayed, and one timed "in full" must not. */
function replayed(run: Run): Run {
  if (!run.stdout.includes(REPLAYED)) throw new Error(`a run with nothing changed was not replayed from its memo:\n${run.stdout}`);
  return run;
}
function ranInFull(run: Run): Run {
  if (run.stdout.includes(REPLAYED)) throw new Error('a run with PLATFORM_MEMO=off was replayed');
  return run;
}

const ratio = (ms: number, floorMs: number) => `${(ms / floorMs).toFixed(2)}x (${s(ms)} ÷ ${s(floorMs)})`;

function fullPlatform(figures: Figure[]): Floor {
  const project = copyProject();
  // The cdk8s project template's path, on a second copy of the same code: `cdk8s synth` running `npx ts-node main.ts`.
  const template = copyProject();
  try {
    const config = path.join(template, 'cdk8s.yaml');
    fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace(/^app: .*$/m, 'app: npx ts-node main.ts'));
    const synth = ['run', '-s', 'synth'];
    const validate = ['run', '-s', 'validate', '--', 'dist', 'argocd'];
    // Warm the bundles and the schema caches; the memo keeps nothing about files written in the
    // last 2 s (scripts/run-memo.cjs), and the copy was just made.
    timed('npm', synth, project);
    timed('npm', validate, project);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2_100);
    timed('npm', synth, project);
    timed('npm', validate, project);
    const ours: Run[] = [];
    const fulls: Run[] = [];
    const theirs: Run[] = [];
    const floors: Run[] = [];
    const validates: Run[] = [];
    const fullValidates: Run[] = [];
    const npmStarts: Run[] = [];
    const direct: Run[] = [];
    // Round by round, the floor just before each of synth and validate, so that a change of the
    // machine's load falls on both sides of a ratio.
    for (let i = 0; i < RUNS; i++) {
      floors.push(floor(project));
      ours.push(replayed(timed('npm', synth, project)));
      // What an edit costs, besides rebuilding the bundle: the whole synth, the memo off.
      fulls.push(ranInFull(timed('npm', synth, project, FULL_RUN)));
      // What of it is npm's: npm starting and running a shell command that does next to nothing, and
      // the same synth without npm in front.
      npmStarts.push(timed('npm', ['run', '-s', 'env'], project));
      direct.push(ranInFull(timed(process.execPath, ['scripts/launch.cjs', 'main.ts'], project, FULL_RUN)));
      floors.push(floor(project));
      validates.push(replayed(timed('npm', validate, project)));
      fullValidates.push(ranInFull(timed('npm', validate, project, FULL_RUN)));
      theirs.push(timed(path.join(ROOT, 'node_modules/.bin/cdk8s'), ['synth'], template));
    }
    const a = median(ours.map(r => r.ms));
    const full = median(fulls.map(r => r.ms));
    const b = median(theirs.map(r => r.ms));
    const f = median(floors.map(r => r.ms));
    const validateMs = median(validates.map(r => r.ms));
    const fullValidate = median(fullValidates.map(r => r.ms));
    figures.push(
      { name: 'the floor: node loading cdk8s and cdk8s-plus-30 alone (measured beside each synth and validate)', value: `${s(f)}, ${mb(median(floors.map(r => r.maxRssKb ?? 0)))}` },
      {
        name: 'full-platform synth (npm run synth), warm, nothing changed: replayed (scripts/run-memo.cjs) ÷ the floor of the same run',
        value: `${ratio(a, f)} with nothing changed (replayed); ${ratio(full, f)} run in full`,
        target: `≤ ${SYNTH_FLOOR_RATIO}x (npm run bench fails above it)`,
        met: a / f <= SYNTH_FLOOR_RATIO,
        before: 'synth',
      },
      { name: 'full-platform synth, warm, run in full (PLATFORM_MEMO=off: what an edit costs besides the rebuild)', value: `${s(full)}, ${mb(median(fulls.map(r => r.maxRssKb ?? 0)))}`, target: '≤ 1 s', met: full <= 1000 },
      {
        name: 'full-platform synth, warm, run in full ÷ the floor of the same run',
        value: ratio(full, f),
        target: `≤ ${FULL_SYNTH_FLOOR_RATIO}x (npm run bench fails above it)`,
        met: full / f <= FULL_SYNTH_FLOOR_RATIO,
      },
      { name: "npm's own start (npm run -s env) ÷ the floor: part of every npm run figure", value: ratio(median(npmStarts.map(r => r.ms)), f) },
      { name: 'synth run in full without npm in front (node scripts/launch.cjs main.ts) ÷ the floor', value: ratio(median(direct.map(r => r.ms)), f) },
      { name: 'template path (cdk8s synth, npx ts-node main.ts)', value: `${s(b)}, ${mb(median(theirs.map(r => r.maxRssKb ?? 0)))}` },
      { name: 'speed-up of a synth run in full over the template path', value: `${(b / full).toFixed(1)}×`, target: '≥ 3×', met: b / full >= 3 },
      {
        name: 'validate the full platform (npm run validate -- dist argocd), nothing changed: replayed ÷ the floor of the same run',
        value: ratio(validateMs, f),
        target: `≤ ${VALIDATE_FLOOR_RATIO}x`,
        met: validateMs / f <= VALIDATE_FLOOR_RATIO,
        before: 'validate',
      },
      { name: 'validate the full platform, run in full (PLATFORM_MEMO=off) ÷ the floor of the same run', value: ratio(fullValidate, f) },
    );
    // The same synth when Helm renders every chart: no rendering record, nothing in .cache/helm-renders/
    // (the copy's own, in place of the link to ours). Helm is built already.
    const cold = median(Array.from({ length: RUNS }, () => {
      fs.rmSync(path.join(project, '.cache/helm-renders'), { recursive: true, force: true });
      fs.rmSync(path.join(project, 'vendor/charts/renderings'), { recursive: true, force: true });
      return timed('npm', ['run', '-s', 'synth'], project).ms;
    }));
    figures.push({ name: 'full-platform synth, every chart rendered by Helm (no rendering record, nothing cached)', value: s(cold) });
    return { floorMs: f, synthMs: a, fullSynthMs: full, validateMs };
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
    fs.rmSync(template, { recursive: true, force: true });
  }
}

/**
 * The first `npm run synth` of a fresh clone after `npm ci`: a copy of the sources with no .cache/
 * (no Helm binary, no bundle, no type-check state, no chart rendering but the committed records)
 * and a node_modules without the schema validators synth compiles into it. Measured: npm starting,
 * the launcher's type-check (building imports/' declarations first) and bundle, compiling the schema
 * validators, the synth itself and writing dist/ and argocd/. Not measured: `npm ci` and the copy.
 * Helm must not be built or run: the records cover every chart.
 */
function freshClone(figures: Figure[]): void {
  const runs = Array.from({ length: QUICK ? 1 : 3 }, () => {
    const clone = copyProject([], { fresh: true });
    try {
      const env = { ...process.env };
      delete env.PLATFORM_CACHE_DIR;
      // A fresh clone's own: no bundle kept by another clone (scripts/kept-bundles.cjs).
      delete env.PLATFORM_BUNDLE_STORE;
      const start = performance.now();
      const result = spawnSync('npm', ['run', '-s', 'synth'], { cwd: clone, encoding: 'utf8', env, maxBuffer: 1 << 26 });
      const ms = performance.now() - start;
      if (result.status !== 0) throw new Error(`npm run synth on a fresh clone failed:\n${result.stderr}`);
      const helmBuilt = fs.existsSync(path.join(clone, '.cache/helm'));
      const helmRendered = fs.existsSync(path.join(clone, '.cache/helm-renders')) ? fs.readdirSync(path.join(clone, '.cache/helm-renders')).length : 0;
      return { ms, helmBuilt, helmRendered };
    } finally {
      fs.rmSync(clone, { recursive: true, force: true });
    }
  });
  const ms = median(runs.map(r => r.ms));
  const helmBuilt = runs.some(r => r.helmBuilt);
  const helmRendered = Math.max(...runs.map(r => r.helmRendered));
  figures.push({
    name: 'first npm run synth on a fresh clone, after npm ci (type-check, bundle, schema validators, synth; no Helm binary)',
    value: `${s(ms)}; Helm ${helmBuilt ? 'BUILT' : 'not built'}, ${helmRendered} chart${helmRendered === 1 ? '' : 's'} rendered by Helm`,
    target: '≤ 30 s, Helm neither built nor run',
    met: ms <= 30_000 && !helmBuilt && helmRendered === 0,
    before: 'fresh',
  });
}

function growth(figures: Figure[]): void {
  const results = [10, 100, 1000].map(apps => {
    const runs = Array.from({ length: QUICK && apps === 1000 ? 1 : 3 }, () => child([String(apps)]));
    return { apps, objects: runs[0].objects, ms: median(runs.map(r => r.ms)), maxRssKb: median(runs.map(r => r.maxRssKb)) };
  });
  for (const r of results) {
    const perObject = r.ms / r.objects;
    figures.push({
      name: `${r.apps}-app synth + validate (${r.objects} objects)`,
      value: `${s(r.ms)}, ${mb(r.maxRssKb)}, ${perObject.toFixed(2)} ms/object`,
      ...(r.apps === 1000
        ? { target: '≤ 3 s, ≤ 0.4 ms/object, ≤ 1 GiB', met: r.ms <= 3_000 && perObject <= 0.4 && r.maxRssKb <= 1024 * 1024, before: 'thousand' as const }
        : {}),
    });
  }
  const diff = median(Array.from({ length: QUICK ? 1 : 3 }, () => child(['1000', 'diff']).ms));
  figures.push({ name: '1000-app diff (1% of objects changed)', value: s(diff), target: '≤ 10 s', met: diff <= 10_000 });
}

/** `npm test` as a user runs it, pretest included; its steps and files from what it leaves in .cache/. */
function suite(figures: Figure[]): void {
  const start = performance.now();
  const run = spawnSync('npm', ['test'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - start;
  if (run.status !== 0 && !fs.existsSync(path.join(ROOT, '.cache/test-report.json'))) throw new Error(`npm test failed before any test ran:\n${run.stderr}`);
  figures.push(...suiteFigures(lastSuiteRun(ROOT), ms));
}

/** Figures of the URL shortener's load benchmark (app/bench/load.ts), as it writes them in JSON. */
interface PairedSide { requestsPerSecond: number; p99Ms: number }
interface ServiceFigures {
  paired?: {
    connections: number;
    rounds: { bare: PairedSide; service: PairedSide }[];
    medianThroughputRatio: number;
    medianP99Ratio: number;
    medianMachineCpuRatio?: number;
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
        `${result.redirectEvents.recorded} of ${result.redirectEvents.answered} redirects recorded` +
        (paired.medianMachineCpuRatio === undefined ? '' : `; CPU per request on the machine (server, PostgreSQL, wrk), bare's over the service's, ${x(paired.medianMachineCpuRatio)}: the throughput ratio when these alone keep every core busy`),
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
  const rows = figures.map(f => `| ${f.name} | ${f.value} | ${f.target ?? ''} | ${verdict(f)} |`);
  return ['| figure | measured | target | |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

const verdict = (f?: Figure) => (f?.met === undefined ? '' : f.met ? 'met' : '**missed**');

function beforeAndAfter(figures: Figure[]): string {
  const rows = BEFORE.map(b => {
    const after = figures.find(f => f.before === b.id);
    return `| ${b.what} | ${b.before} | ${after?.value ?? 'not measured'} | ${after?.target ?? ''} | ${verdict(after)} |`;
  });
  return ['| figure | before (issue #24) | after (this run) | target | |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/**
 * A section of docs/benchmarks.md that a run may leave out (`--no-cluster`, `--no-service`): its text
 * between markers, which a run that skips it carries over from the file as it was, saying so.
 */
function section(id: string, measured: string | undefined, skippedBy: string, previous: string): string {
  const open = `<!-- bench:${id} -->`;
  const close = `<!-- /bench:${id} -->`;
  const note = /^_Not measured by the latest run .*_\n\n/m;
  let body = measured;
  if (body === undefined) {
    const start = previous.indexOf(open);
    const end = previous.indexOf(close);
    const carried = start !== -1 && end > start ? previous.slice(start + open.length, end).trim().replace(note, '') : undefined;
    body = carried
      ? carried.replace(/^(## .*\n\n)/, `$1_Not measured by the latest run (\`${skippedBy}\`): these figures are an earlier run's._\n\n`)
      : `_Not measured by the latest run (\`${skippedBy}\`)._`;
  }
  return [open, body.trim(), close, ''].join('\n');
}

async function main(): Promise<void> {
  const figures: Figure[] = [];
  const floorFigures = fullPlatform(figures);
  freshClone(figures);
  growth(figures);
  const clusterFigs: Figure[] = [];
  if (!has('--no-cluster')) {
    await clusterFigures(clusterFigs, has('--cluster-scratch'));
    await argocdFigures(clusterFigs);
  }
  const serviceFigs: Figure[] = [];
  const serviceTable = has('--no-service') ? undefined : service(serviceFigs);
  const suiteFigs: Figure[] = [];
  if (has('--suite')) suite(suiteFigs);
  if (has('--ci')) ciFigures(ROOT, suiteFigs);
  const table = report(figures);
  console.log(beforeAndAfter([...figures, ...suiteFigs]));
  console.log(`\n${table}`);
  if (clusterFigs.length) console.log(`\n${report(clusterFigs)}`);
  if (serviceFigs.length) console.log(`\n${report(serviceFigs)}`);
  if (serviceTable) console.log(`\n${serviceTable}`);
  if (suiteFigs.length) console.log(`\n${report(suiteFigs)}`);
  fs.writeFileSync(path.join(ROOT, 'bench/results.json'), `${JSON.stringify({ machine: machine(), runs: RUNS, floor: floorFigures, figures: [...figures, ...clusterFigs, ...serviceFigs, ...suiteFigs] }, null, 2)}\n`);
  const docs = path.join(ROOT, 'docs/benchmarks.md');
  const previous = fs.existsSync(docs) ? fs.readFileSync(docs, 'utf8') : '';
  fs.writeFileSync(docs, [
    '# Benchmarks',
    '',
    'Generated by `npm run bench`; each figure is the median of several runs, and the commands compared',
    'alternate run by run. The floor is a node process that only loads cdk8s and cdk8s-plus-30, measured',
    'just before each synth and each validate. A warm synth with nothing changed replays its last report',
    '(scripts/run-memo.cjs); one run in full (`PLATFORM_MEMO=off`) is what an edit costs besides rebuilding',
    'the bundle. `npm run bench` fails when the first is above 3x the floor of the same run, or the second',
    'above 6x. The first synth of a fresh clone runs in a copy of the sources with no `.cache/`',
    '(no Helm, no bundle, no type-check state) whose node_modules links to ours but leaves out',
    '`node_modules/.cache/` (the compiled schema validators): it counts npm, type-check, bundle, schema',
    'compilation and synth, not `npm ci`. Peak memory is the maximum resident set of the process tree (GNU time).',
    '',
    `Machine: ${machine()}; 1-minute load average ${LOAD_AT_START} when the run started, ${os.loadavg()[0].toFixed(2)} when it ended.`,
    '',
    '## Issue #24: before and after',
    '',
    'The figures of issue #24 before the work on it, beside the same figures of this run.',
    '',
    beforeAndAfter([...figures, ...suiteFigs]),
    '',
    '## Synthesis and validation',
    '',
    table,
    '',
    section('suite', suiteFigs.length ? ['## The test suite', '', `Machine: ${machine()}. \`npm test\` as a user runs it, pretest included, timed around it (\`--suite\`), or \`.ci/run\` on a clean clone, timed around it, and its \`npm test\` as \`.ci/run\` times it (\`--ci\`); their steps and files as \`npm test\` leaves them in \`.cache/\` (bench/suite.ts).`, '', report(suiteFigs)].join('\n') : undefined, 'without --suite or --ci', previous),
    section('cluster', clusterFigs.length ? ['## The control plane and Argo CD', '', `Machine: ${machine()}.`, '', report(clusterFigs)].join('\n') : undefined, '--no-cluster', previous),
    section('service', serviceTable
      ? [
        '## The URL shortener',
        '',
        `Machine: ${machine()}.`,
        '',
        report(serviceFigs),
        '',
        'Started as in production (`npm run app:start`), against the local PostgreSQL and Redis, seeded with 400 users, 2,000 URLs and 3,000+ events, beside bare Fastify answering a fixed 302, on the same machine. Cached redirects in paired rounds under wrk, after one round\'s load on each side not counted (bare and service alternate, the order swapping each round; the figure is the median of the per-round ratios; µs/req is the server process\'s CPU per answered request, PG that of the PostgreSQL backends of the bench\'s database, which write the redirect events, wrk that of the load generator, all three on the same cores); the mixed scenario open-loop at half its closed-loop throughput under autocannon; the API closed-loop under autocannon.',
        '',
        '```',
        serviceTable,
        '```',
      ].join('\n')
      : undefined, '--no-service', previous),
  ].join('\n'));
  const failure = floorGuard(floorFigures);
  if (failure) {
    console.error(`\nnpm run bench: FAILED: ${failure}`);
    process.exitCode = 1;
  } else {
    const x = (ms: number) => (ms / floorFigures.floorMs).toFixed(2);
    console.log(`\nwarm synth is ${x(floorFigures.synthMs)}x the floor of this run with nothing changed, within the ${SYNTH_FLOOR_RATIO}x issue #24 allows, and ${x(floorFigures.fullSynthMs)}x run in full, within the ${FULL_SYNTH_FLOOR_RATIO}x fence`);
  }
}

main().catch((error: unknown) => {
  console.error(`npm run bench: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.exit(1);
});
