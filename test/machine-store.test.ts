/**
 * The machine's store (scripts/lib/machine-store.sh) for what a fresh clone would otherwise redo in
 * each `npm test`: the type-check state (scripts/type-check-state.sh) and Barman Cloud's venv
 * (scripts/install-barman.sh). Each runs on copies of the repository, with a store of its own.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { barmanBin } from './support/pinned-tools';
import { copyProject, tempDir } from './support/platform';

const made: string[] = [];
afterAll(() => made.forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));
const track = (dir: string) => (made.push(dir), dir);

const run = (cwd: string, store: string, command: string, ...args: string[]) =>
  spawnSync(path.join(cwd, command), args, { cwd, encoding: 'utf8', env: { ...process.env, PLATFORM_STORE_DIR: store } });

/** Every entry of a kind in the store. */
const entries = (store: string, kind: string) => fs.existsSync(path.join(store, kind)) ? fs.readdirSync(path.join(store, kind)).filter(e => !e.startsWith('.')) : [];

describe('the type-check state in the machine store', () => {
  const store = track(tempDir('platform-store-'));
  const keyFiles = ['package-lock.json', 'app/tsconfig.json'];
  // A clone with the bundle and type-check state pretest built, and one as `npm ci` leaves it.
  const built = track(copyProject(keyFiles));
  const fresh = track(copyProject(keyFiles, { fresh: true }));
  const stored = (...parts: string[]) => path.join(store, 'type-check', entries(store, 'type-check')[0], ...parts);

  it('is not read or written with the store turned off', () => {
    expect(run(built, 'off', 'scripts/type-check-state.sh', 'save').status).toBe(0);
    expect(run(fresh, 'off', 'scripts/type-check-state.sh', 'restore').status).toBe(0);
    expect(fs.existsSync(path.join(fresh, '.cache'))).toBe(false);
    expect(fs.readdirSync(store)).toEqual([]);
  });

  it('is saved from a clone whose state is built, without its kept runs', () => {
    expect(spawnSync('node', ['scripts/launch.cjs', '--build', 'main.ts'], { cwd: built }).status).toBe(0);
    fs.writeFileSync(path.join(built, '.cache/build/main_ts.memo-0123456789abcdef.json'), '{}');
    expect(run(built, store, 'scripts/type-check-state.sh', 'save').status).toBe(0);
    expect(entries(store, 'type-check')).toHaveLength(1);
    const bundles = fs.readdirSync(path.join(built, '.cache/build')).filter(f => !f.includes('.memo-') && f !== 'kept').sort();
    expect(bundles).toEqual(expect.arrayContaining(['main_ts.cjs', 'main_ts.json']));
    expect(fs.readdirSync(stored('build')).sort()).toEqual(bundles);
    expect(fs.existsSync(stored('tsc', 'main_ts.tsbuildinfo'))).toBe(true);
  });

  it('is restored into a fresh clone, whose bundle then needs no rebuild', () => {
    expect(run(fresh, store, 'scripts/type-check-state.sh', 'restore').status).toBe(0);
    const bundle = path.join(fresh, '.cache/build/main_ts.cjs');
    const before = fs.statSync(bundle);
    const launch = spawnSync('node', ['scripts/launch.cjs', '--build', 'main.ts'], { cwd: fresh, encoding: 'utf8' });
    expect(launch.status, launch.stderr).toBe(0);
    // Its sources are the same bytes, stamped anew by the copy: compared by content, not rebuilt.
    expect(fs.statSync(bundle).mtimeMs).toBe(before.mtimeMs);
    expect(fs.statSync(bundle).ino).toBe(before.ino);
    // tsc rewrites its .tsbuildinfo in place: a link would write through to the store.
    expect(fs.statSync(path.join(fresh, '.cache/tsc/main_ts.tsbuildinfo')).ino).not.toBe(fs.statSync(stored('tsc', 'main_ts.tsbuildinfo')).ino);
  });

  it('leaves a clone that has a state of its own as it is', () => {
    fs.rmSync(path.join(built, '.cache/build'), { recursive: true });
    expect(run(built, store, 'scripts/type-check-state.sh', 'restore').status).toBe(0);
    expect(fs.existsSync(path.join(built, '.cache/build'))).toBe(false);
  });

  it('is replaced by the newest save', () => {
    fs.mkdirSync(path.join(fresh, '.cache/typecheck'), { recursive: true });
    fs.writeFileSync(path.join(fresh, '.cache/typecheck/root.tsbuildinfo'), 'newest');
    const key = entries(store, 'type-check');
    expect(run(fresh, store, 'scripts/type-check-state.sh', 'save').status).toBe(0);
    expect(entries(store, 'type-check')).toEqual(key);
    expect(fs.readFileSync(stored('typecheck', 'root.tsbuildinfo'), 'utf8')).toBe('newest');
  });
});

describe("Barman Cloud's venv in the machine store", () => {
  it('is copied into a clone with its programs pointed at the copy, and runs there', () => {
    const installed = path.dirname(barmanBin());
    const store = track(tempDir('platform-store-'));
    // The venv this repository installed, as the store keeps it: a clone that is gone may have built it.
    fs.cpSync(installed, path.join(store, 'barman', path.basename(installed)), { recursive: true, verbatimSymlinks: true });
    const clone = track(copyProject());
    const result = run(clone, store, 'scripts/install-barman.sh');
    expect(result.status, result.stderr).toBe(0);
    const bin = result.stdout.trim().split('\n').pop()!;
    expect(bin).toBe(fs.realpathSync(path.join(clone, '.cache/barman', path.basename(installed), 'bin')));
    expect(result.stderr).not.toContain('installing Barman');
    const program = path.join(bin, 'barman-cloud-wal-archive');
    expect(fs.readFileSync(program, 'utf8').split('\n')[0]).toBe(`#!${bin}/python3`);
    // The store's own copy keeps its first line: the copy's was written anew, not through a link.
    expect(fs.readFileSync(path.join(store, 'barman', path.basename(installed), 'bin/barman-cloud-wal-archive'), 'utf8').split('\n')[0]).toBe(`#!${fs.realpathSync(installed)}/bin/python3`);
    const version = spawnSync(program, ['--version'], { encoding: 'utf8' });
    expect(version.status, version.stderr).toBe(0);
    expect(`${version.stdout}${version.stderr}`).toMatch(/^barman-cloud-wal-archive \d+\.\d+\.\d+/);
  });
});
