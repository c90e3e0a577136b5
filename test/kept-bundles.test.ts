import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyProject, tempDir } from './support/platform';

/** The launcher's bundles kept by the content of their inputs (scripts/kept-bundles.cjs), on a probe entry point. */
describe('bundles kept by content', () => {
  const project = copyProject();
  const store = tempDir('platform-bundles-');
  afterAll(() => [project, store].forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));
  const kept = path.join(store, 'probe_ts');
  const entries = (dir = kept) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter(e => !e.startsWith('.')).sort() : []);
  /** `bundleStore` null: PLATFORM_BUNDLE_STORE unset. */
  const launch = (source: string, bundleStore: string | null = store) => {
    fs.writeFileSync(path.join(project, 'probe.ts'), source);
    const env = { ...process.env, PLATFORM_BUNDLE_STORE: bundleStore ?? undefined };
    if (bundleStore === null) delete env.PLATFORM_BUNDLE_STORE;
    return spawnSync('node', ['scripts/launch.cjs', 'probe.ts'], { cwd: project, encoding: 'utf8', env });
  };
  /** The entry a launch added to the store. */
  const added = (before: string[]) => entries().filter(e => !before.includes(e));

  it('puts back the bundle built from the same sources, with its V8 code, instead of a type-check and a build', () => {
    expect(launch("console.log('one');\n").stdout).toBe('one\n');
    const one = entries();
    expect(one).toHaveLength(1);
    expect(fs.readdirSync(path.join(kept, one[0])).sort()).toEqual(['bundle.cjs', 'bundle.cjs.v8', 'manifest.json']);
    expect(launch("console.log('two');\n").stdout).toBe('two\n');
    const [two] = added(one);
    // The kept bundle of 'one', forged: what runs for the source 'one' again is what was kept.
    fs.writeFileSync(path.join(kept, one[0], 'bundle.cjs'), "console.log('kept');\n");
    fs.rmSync(path.join(kept, one[0], 'bundle.cjs.v8'));
    expect(launch("console.log('one');\n").stdout).toBe('kept\n');
    // Back to 'two': its bundle and V8's code of it, never the code of another bundle.
    expect(launch("console.log('two');\n").stdout).toBe('two\n');
    const codeCache = (file: string) => fs.readFileSync(file).toString('base64');
    expect(codeCache(path.join(project, '.cache/build/probe_ts.cjs.v8'))).toBe(codeCache(path.join(kept, two, 'bundle.cjs.v8')));
    expect(entries()).toHaveLength(2);
  });

  it('never keeps a bundle whose sources fail the type-check', () => {
    const before = entries();
    const run = launch("const n: number = 'one';\nconsole.log(n);\n");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('probe.ts:1:7: error TS2322');
    expect(entries()).toEqual(before);
  });

  it('keeps them in .cache/build/kept/ unless PLATFORM_BUNDLE_STORE says where, and none with it off', () => {
    const own = path.join(project, '.cache/build/kept/probe_ts');
    const inStore = entries();
    expect(launch("console.log('three');\n", 'off').stdout).toBe('three\n');
    // Kept nowhere: not in its own folder, not in the store, not in a folder named "off".
    expect(entries(own)).toEqual([]);
    expect(entries()).toEqual(inStore);
    expect(fs.existsSync(path.join(project, 'off'))).toBe(false);
    expect(launch("console.log('four');\n", null).stdout).toBe('four\n');
    expect(entries(own)).toHaveLength(1);
  });

  it('keeps the 16 of an entry point used last', () => {
    const old = new Date(Date.now() - 86_400_000);
    for (let i = 0; i < 20; i++) {
      fs.mkdirSync(path.join(kept, `old-${i}`));
      fs.utimesSync(path.join(kept, `old-${i}`), old, old);
    }
    const before = entries();
    expect(launch("console.log('five');\n").stdout).toBe('five\n');
    expect(entries()).toHaveLength(16);
    expect(entries()).toEqual(expect.arrayContaining(added(before)));
  });
});
