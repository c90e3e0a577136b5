/**
 * The layout shows the layers (.dependency-cruiser.cjs): constructs never import tools, no import
 * cycle of values, and the cycles through types and the folders that import each other are the
 * ones listed here, which may only shrink: a new one fails, and so does a listed one that is gone
 * (take it off the list).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/platform';

interface Cruise {
  modules: { source: string; dependencies: { resolved: string; coreModule: boolean; dependencyTypes: string[] }[] }[];
  summary: { violations: { rule: { name: string }; from: string; to: string; cycle?: { name: string }[] }[] };
}

function cruise(): Cruise {
  const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
    '--config', '.dependency-cruiser.cjs', '--output-type', 'json', 'lib', 'charts', 'main.ts', 'scripts', 'bench'], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (run.status !== 0 && !run.stdout.startsWith('{')) throw new Error(`depcruise failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Cruise;
}

/** The cycles through types still left: none (an app registers with its platform through `AppRegistry`). */
const KNOWN_TYPE_CYCLES: string[] = [];

/** Folders of constructs that still import each other: none. */
const KNOWN_FOLDER_PAIRS: string[] = [];

const folderOf = (file: string) => file.split('/').slice(0, file.startsWith('lib/') && file.split('/').length > 2 ? 2 : 1).join('/');

describe('the layers', () => {
  const result = cruise();
  const violations = (rule: string) => result.summary.violations.filter(v => v.rule.name === rule);

  it('constructs never import tools', () => {
    expect(violations('constructs-not-tools').map(v => `${v.from} -> ${v.to}`)).toEqual([]);
  });

  it('no import cycle of values', () => {
    expect(violations('no-runtime-cycle').map(v => [v.from, ...(v.cycle ?? []).map(c => c.name)].join(' > '))).toEqual([]);
  });

  it('no cycle through types but the known ones, which may only shrink', () => {
    // dependency-cruiser reports a cycle from each module on it: one line per cycle, from its first module.
    const cycles = violations('no-cycle').map(v => [v.from, ...(v.cycle ?? []).map(c => c.name).slice(0, -1)].join(' > '));
    expect([...new Set(cycles)].sort()).toEqual([...KNOWN_TYPE_CYCLES].sort());
  });

  it('no two folders import each other but the known pairs, which may only shrink', () => {
    const edges = new Set<string>();
    for (const m of result.modules) {
      for (const d of m.dependencies) {
        if (d.coreModule || d.resolved.startsWith('node_modules/')) continue;
        const [a, b] = [folderOf(m.source), folderOf(d.resolved)];
        if (a !== b) edges.add(`${a} -> ${b}`);
      }
    }
    const pairs = [...edges].map(e => e.split(' -> ')).filter(([a, b]) => a < b && edges.has(`${b} -> ${a}`)).map(([a, b]) => `${a} <-> ${b}`);
    expect(pairs.sort()).toEqual([...KNOWN_FOLDER_PAIRS].sort());
  });
});
