#!/usr/bin/env node
/**
 * Runs a TypeScript entry point fast: bundles it (every TypeScript file it imports, and the
 * packages they use from node_modules) with esbuild into one file under .cache/build/, reused while
 * none of its inputs has changed, so a run costs one `require` whose compiled code V8 reads from
 * its cache, instead of transpiling and resolving hundreds of modules and compiling cdk8s-plus-30's
 * megabytes again. A rebuild type-checks first (scripts/typecheck.cjs): a type error exits 2 with
 * its file and line.
 *
 * The bundle holds no path of the repository, so a copy of the repository (the tests make many)
 * starts from the bundle it copied: an input whose stamp differs but whose content does not leaves
 * the bundle as it is. Bundles built before are kept by the content of their inputs
 * (scripts/kept-bundles.cjs): a return to sources built before takes one of them, with no rebuild.
 *
 * Usage: node scripts/launch.cjs <entry.ts> [args...]
 *        node scripts/launch.cjs --build <entry.ts>...   (type-check and bundle, run nothing)
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const cacheDir = path.join(root, '.cache', 'build');

const stamp = file => {
  try {
    const s = fs.statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
};

const hashOf = file => {
  try {
    return crypto.createHash('sha1').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return 'missing';
  }
};

/** Where an entry point's bundle, its manifest and V8's compiled code of it are kept; exits 1 when there is no such entry point. */
function targetOf(entryArg) {
  const entry = path.resolve(root, entryArg ?? '');
  if (!entryArg || !fs.existsSync(entry)) {
    console.error(`scripts/launch.cjs: no entry point ${entryArg ?? '(none given)'}`);
    process.exit(1);
  }
  const name = path.relative(root, entry).replace(/[^A-Za-z0-9]/g, '_');
  const output = path.join(cacheDir, `${name}.cjs`);
  // V8's compiled code of the bundle: compiling it was a tenth of a synth
  return { entry, name, output, manifestFile: path.join(cacheDir, `${name}.json`), codeCacheFile: `${output}.v8` };
}

/**
 * Whether the bundle exists and its inputs are all as they were: by stamp, or, where a stamp
 * differs (a copy, a checkout), by content. Stamps found stale but matching are written back, so
 * the next run compares stamps only.
 */
function upToDate({ output, manifestFile }) {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  } catch {
    return false;
  }
  let restamped = false;
  const same = (file, recorded) => {
    if (stamp(file) === recorded?.stamp) return true;
    if (recorded?.hash === undefined || hashOf(file) !== recorded.hash) return false;
    recorded.stamp = stamp(file);
    restamped = true;
    return true;
  };
  if (!same(output, manifest.output)) return false;
  if (!Object.entries(manifest.inputs ?? {}).every(([file, recorded]) => same(path.join(root, file), recorded))) return false;
  if (restamped) writeWhole(manifestFile, JSON.stringify(manifest));
  return true;
}

/** Writes a file whole or not at all: another launch may be reading it. */
function writeWhole(file, text) {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}

const record = file => ({ stamp: stamp(file), hash: hashOf(file) });

function build({ entry, output, manifestFile, codeCacheFile }) {
  const esbuild = require('esbuild');
  const result = esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Left to `require` at run time: the schema fallback's per-kind modules, which it requires by
    // computed name, and cel-js, which is loaded only when a CEL verdict is not cached.
    external: ['kubernetes-models', '@kubernetes-models/*', '@marcbachmann/cel-js'],
    metafile: true,
    outfile: output,
    logLevel: 'warning',
    tsconfig: path.join(root, 'tsconfig.json'),
    absWorkingDir: root,
  });
  const inputs = {};
  // The launcher too: a change to how it bundles must rebuild.
  for (const file of [...Object.keys(result.metafile.inputs), 'tsconfig.json', 'package.json', 'scripts/launch.cjs', 'scripts/run-memo.cjs']) inputs[file] = record(path.join(root, file));
  writeWhole(manifestFile, JSON.stringify({ output: record(output), inputs }));
  // V8 checks a code cache against the source's length only: a new bundle must not meet the old one
  fs.rmSync(codeCacheFile, { force: true });
}

/** Type-checks and bundles an entry point unless its bundle is up to date; exits 2 on a type error. */
function ensureBuilt(target) {
  if (upToDate(target) || kept().restore(target)) return;
  const errors = require('./typecheck.cjs').typecheck(root, target.entry, target.name);
  if (errors.length) {
    console.error(`${path.relative(root, target.entry)} does not type-check (${errors.length} error${errors.length === 1 ? '' : 's'}):\n  ${errors.join('\n  ')}`);
    console.error('Nothing was written.');
    process.exit(2);
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  build(target);
  kept().keep(target);
}

let keptBundles;
/** Bundles kept by the content of their inputs (scripts/kept-bundles.cjs), loaded when a bundle is stale. */
const kept = () => (keptBundles ??= require('./kept-bundles.cjs')({ root, cacheDir, stamp, hashOf, writeWhole }));

/** Runs the bundle as `require` would, with V8's compiled code kept beside it. */
function runBundle(target) {
  const { output, codeCacheFile } = target;
  // Code that looks for the repository through __dirname would find the cache folder instead (lib/paths.ts).
  globalThis.__PLATFORM_ROOT__ = root;
  const Module = require('node:module');
  const vm = require('node:vm');
  const cachedData = fs.existsSync(codeCacheFile) ? fs.readFileSync(codeCacheFile) : undefined;
  const script = new vm.Script(Module.wrap(fs.readFileSync(output, 'utf8')), { filename: output, cachedData });
  const bundle = new Module(output, module);
  bundle.filename = output;
  bundle.paths = Module._nodeModulePaths(cacheDir);
  script.runInThisContext().call(bundle.exports, bundle.exports, Module.createRequire(output), bundle, output, cacheDir);
  bundle.loaded = true;
  if (!cachedData || script.cachedDataRejected) {
    // after the run, so the functions it compiled lazily are in the cache too
    const temp = `${codeCacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(temp, script.createCachedData());
    fs.renameSync(temp, codeCacheFile);
    kept().keep(target);
  }
}

/**
 * Runs that only read the repository and write their output folders: one whose every input is as it
 * was replays its last output instead (scripts/run-memo.cjs).
 */
const MEMOIZED = new Set(['main.ts', 'scripts/validate.ts']);

function openRunMemo({ name, output }) {
  const { openMemo, memoName } = require('./run-memo.cjs');
  const args = process.argv.slice(2);
  const key = JSON.stringify({ entry: name, bundle: stamp(output), args, cwd: process.cwd(), node: process.version });
  const caches = [path.join(root, '.cache'), path.join(root, 'node_modules', '.cache'), process.env.PLATFORM_CACHE_DIR, process.env.PLATFORM_BUNDLE_STORE].filter(c => c && c !== 'off');
  return openMemo({ file: path.join(cacheDir, memoName(name, args)), key, caches });
}

if (process.argv[2] === '--build') {
  for (const target of process.argv.slice(3).map(targetOf)) ensureBuilt(target);
  return;
}
const target = targetOf(process.argv[2]);
ensureBuilt(target);
process.argv.splice(1, 2, target.entry);
const memo = MEMOIZED.has(path.relative(root, target.entry)) ? openRunMemo(target) : undefined;
// A replay ends by returning, not process.exit(): where stdout is an asynchronous pipe (macOS),
// exiting could cut the replayed report short.
if (!memo?.replay()) {
  memo?.trace();
  runBundle(target);
}
