'use strict';
/**
 * The launcher's bundles kept by the content of their inputs (scripts/launch.cjs), for a return to
 * sources built before: a branch switched back to, an edit undone, the same edit the tests make in
 * a fresh copy run after run. A kept bundle whose every input has the content it was built from
 * takes the place of a rebuild, with V8's compiled code of it: no type-check (it passed when the
 * bundle was built; a bundle that failed it is never kept), no esbuild, no compiling.
 *
 * Kept in .cache/build/kept/<entry>/<key>/, or under PLATFORM_BUNDLE_STORE (`npm test` points it at
 * the machine's store, so that clones and the copies the tests make share them); `off` keeps none.
 * Each entry appears whole, renamed into place; the 16 used last of each entry point stay.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const KEPT_PER_ENTRY = 16;
const BUNDLE = 'bundle.cjs';
const MANIFEST = 'manifest.json';
const CODE_CACHE = 'bundle.cjs.v8';

/** `stamp(file)` and `hashOf(file)` as the manifest records a file; `writeWhole` as the launcher writes it. */
module.exports = function keptBundles({ root, cacheDir, stamp, hashOf, writeWhole }) {
  const store = process.env.PLATFORM_BUNDLE_STORE;
  const dirOf = target => (store === 'off' ? undefined : path.join(store || path.join(cacheDir, 'kept'), target.name));
  const keyOf = manifest => {
    const lines = Object.entries(manifest.inputs).map(([file, { hash }]) => `${file}\0${hash}\n`).sort();
    return crypto.createHash('sha1').update(lines.join('')).digest('hex').slice(0, 20);
  };
  const readManifest = file => {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      return undefined;
    }
  };
  /** The kept entries of one entry point, the one used last first; another launch may prune meanwhile. */
  const usedLast = dir => fs.readdirSync(dir).filter(e => !e.startsWith('.')).map(e => path.join(dir, e))
    .map(e => ({ e, used: fs.statSync(e, { throwIfNoEntry: false })?.mtimeMs }))
    .filter(({ used }) => used !== undefined)
    .sort((a, b) => b.used - a.used)
    .map(({ e }) => e);
  const hashes = new Map();
  const contentIs = (file, hash) => {
    if (!hashes.has(file)) hashes.set(file, hashOf(path.join(root, file)));
    return hashes.get(file) === hash;
  };
  // The repository's sources first: they are what an edit changes, so a mismatch shows at once.
  const sourcesFirst = manifest => Object.entries(manifest.inputs).sort(([a], [b]) => Number(a.startsWith('node_modules/')) - Number(b.startsWith('node_modules/')));

  /** Puts in place the kept bundle built from the inputs as they are now; false when none was. */
  function restore(target) {
    const dir = dirOf(target);
    if (!dir || !fs.existsSync(dir)) return false;
    for (const e of usedLast(dir)) {
      const manifest = readManifest(path.join(e, MANIFEST));
      if (!manifest?.inputs || !sourcesFirst(manifest).every(([file, { hash }]) => contentIs(file, hash))) continue;
      try {
        fs.mkdirSync(cacheDir, { recursive: true });
        // V8 checks a code cache against the source's length only: never leave another bundle's.
        fs.rmSync(target.codeCacheFile, { force: true });
        copyWhole(path.join(e, BUNDLE), target.output);
        if (fs.existsSync(path.join(e, CODE_CACHE))) copyWhole(path.join(e, CODE_CACHE), target.codeCacheFile);
        const inputs = Object.fromEntries(Object.entries(manifest.inputs).map(([file, { hash }]) => [file, { stamp: stamp(path.join(root, file)), hash }]));
        writeWhole(target.manifestFile, JSON.stringify({ output: { stamp: stamp(target.output), hash: hashOf(target.output) }, inputs }));
        const now = new Date();
        fs.utimesSync(e, now, now);
        return true;
      } catch {
        // Pruned by another launch meanwhile: build instead, which writes all of it again.
        return false;
      }
    }
    return false;
  }

  function copyWhole(from, to) {
    const temp = `${to}.${process.pid}.tmp`;
    fs.copyFileSync(from, temp);
    fs.renameSync(temp, to);
  }

  /** Keeps the bundle just built, and V8's code of it once a run has written it. */
  function keep(target) {
    const dir = dirOf(target);
    const manifest = dir && readManifest(target.manifestFile);
    if (!manifest?.inputs || !fs.existsSync(target.output)) return;
    const entry = path.join(dir, keyOf(manifest));
    try {
      if (fs.existsSync(entry)) {
        if (fs.existsSync(target.codeCacheFile) && !fs.existsSync(path.join(entry, CODE_CACHE))) copyWhole(target.codeCacheFile, path.join(entry, CODE_CACHE));
        return;
      }
      fs.mkdirSync(dir, { recursive: true });
      const temp = fs.mkdtempSync(path.join(dir, '.new-'));
      fs.chmodSync(temp, 0o755);
      fs.copyFileSync(target.output, path.join(temp, BUNDLE));
      fs.writeFileSync(path.join(temp, MANIFEST), JSON.stringify(manifest));
      if (fs.existsSync(target.codeCacheFile)) fs.copyFileSync(target.codeCacheFile, path.join(temp, CODE_CACHE));
      try {
        fs.renameSync(temp, entry);
      } catch {
        // Another launch kept the same bundle first.
        fs.rmSync(temp, { recursive: true, force: true });
      }
      prune(dir);
    } catch {
      // Keeping saves time only: a full disk or a read-only store must not fail the run.
    }
  }

  function prune(dir) {
    for (const e of usedLast(dir).slice(KEPT_PER_ENTRY)) fs.rmSync(e, { recursive: true, force: true });
  }

  return { restore, keep };
};
