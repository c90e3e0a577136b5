import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { AppChart } from '../../lib/platform/app-chart';
import { Platform } from '../../lib/platform/platform';
import type { Manifest } from '../../lib/model/manifest';
import { Rendering, render } from '../../lib/synth/render';

export const REPO_ROOT = path.resolve(__dirname, '../..');

/** A platform with nothing in it, for tests that add their own charts. */
export function emptyPlatform(): Platform {
  return new Platform({ repoURL: 'https://git.example.com/test/platform.git' });
}

/** A bare app chart in category `apps`. */
export function testChart(platform: Platform, name = 'demo'): AppChart {
  return new AppChart(platform, name, { category: 'apps' });
}

/** Renders in memory and returns the manifests of one app, by `<kind>/<name>`. */
export function manifestsOf(rendering: Rendering, app: string): Map<string, Manifest> {
  return new Map(rendering.objects
    .filter(o => o.chart.outputDir.endsWith(`/${app}`))
    .map(o => [`${o.manifest.kind}/${o.manifest.metadata.name}`, o.manifest]));
}

/** Renders a platform and returns one object, failing the test when it is missing. */
export function manifest(platform: Platform, app: string, kindAndName: string): Manifest {
  const found = manifestsOf(render(platform), app).get(kindAndName);
  if (!found) throw new Error(`no ${kindAndName} in app ${app}`);
  return found;
}

/** A temporary folder, removed by the returned cleanup function. */
export function tempDir(prefix = 'platform-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Every file under `root/dir` with its content, by path relative to root. */
export function snapshotTree(root: string, dirs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    const abs = path.join(root, rel);
    if (!fs.existsSync(abs)) return;
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const child = path.join(rel, e.name);
      if (e.isDirectory()) walk(child);
      else out[child] = fs.readFileSync(path.join(root, child), 'utf8');
    }
  };
  dirs.forEach(walk);
  return out;
}

/** Parses one generated file. */
export function readManifest(file: string): Manifest {
  return parse(fs.readFileSync(file, 'utf8')) as Manifest;
}

/**
 * A run scripts/launch.cjs kept to replay, or one it is writing, or the bundles it keeps by content
 * (shared through PLATFORM_BUNDLE_STORE under npm test): never part of a copy.
 */
const KEPT_RUN = /\.memo-[0-9a-f]+\.json$|\.tmp$|\/\.cache\/build\/kept$/;

/**
 * Copies the sources needed to synthesize (and `extra` entries) into a fresh folder, sharing node_modules. The
 * type-check cache and the launcher's bundles come along (not its kept runs, scripts/run-memo.cjs), so
 * the copy's first synth is not a cold one: with nothing edited, it runs the bundle it copied.
 *
 * With `fresh`, the copy is what a fresh clone is after `npm ci`: no .cache/ at all (no Helm, no
 * chart renderings but the committed records, no bundle, no type-check state), and a node_modules
 * whose entries link to ours but which leaves out the caches synthesis keeps in it (node_modules/.cache/).
 */
export function copyProject(extra: string[] = [], options: { fresh?: boolean } = {}): string {
  const dir = tempDir('platform-copy-');
  const caches = options.fresh ? [] : ['.cache/tsc', '.cache/build'];
  for (const entry of ['main.ts', 'cdk8s.yaml', 'package.json', 'tsconfig.json', 'tsconfig.imports.json', 'lib', 'charts', 'imports', 'scripts', 'schemas', 'tools', 'vendor', ...caches, ...extra]) {
    // Never a nested install (tools/release/node_modules, the release tooling): a copy synthesizes only.
    if (fs.existsSync(path.join(REPO_ROOT, entry))) fs.cpSync(path.join(REPO_ROOT, entry), path.join(dir, entry), { recursive: true, preserveTimestamps: true, filter: source => path.basename(source) !== 'node_modules' && !KEPT_RUN.test(source) });
  }
  if (options.fresh) {
    fs.mkdirSync(path.join(dir, 'node_modules'));
    for (const entry of fs.readdirSync(path.join(REPO_ROOT, 'node_modules'))) {
      if (entry !== '.cache') fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', entry), path.join(dir, 'node_modules', entry));
    }
    return dir;
  }
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  // The pinned Helm and the charts it rendered are shared, as node_modules is: a copy never builds Helm again.
  for (const cache of ['.cache/helm', '.cache/helm-renders']) {
    fs.mkdirSync(path.join(REPO_ROOT, cache), { recursive: true });
    fs.mkdirSync(path.dirname(path.join(dir, cache)), { recursive: true });
    fs.symlinkSync(path.join(REPO_ROOT, cache), path.join(dir, cache));
  }
  return dir;
}
