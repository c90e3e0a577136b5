import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PlatformError } from '../errors';
import { OUTPUT_DIRS } from '../synth/synthesize';
import { readTree } from '../synth/writer';
import { platformCacheDir } from '../upstream/helm-binary';

/**
 * Synthesizes another revision of this repository without touching the working tree: its files
 * are exported with `git archive` into a temporary folder, which borrows this checkout's
 * node_modules, and its own main.ts runs there.
 */
export function synthesizeRevision(repoRoot: string, ref: string): Map<string, string> {
  const check = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repoRoot, encoding: 'utf8' });
  if (check.status !== 0) throw new PlatformError(`--base ${ref}: not a commit in this repository`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-base-'));
  try {
    const archive = execFileSync('git', ['archive', '--format=tar', ref], { cwd: repoRoot, maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
    fs.rmSync(path.join(dir, 'node_modules'), { recursive: true, force: true });
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
    if (!fs.existsSync(path.join(dir, 'main.ts'))) throw new PlatformError(`--base ${ref}: has no main.ts to synthesize`);
    const { CDK8S_OUTDIR: _ignored, ...inherited } = process.env;
    // The base renders its charts with this checkout's Helm builds and render cache (keyed by their pins).
    const env = { ...inherited, PLATFORM_CACHE_DIR: platformCacheDir(repoRoot) };
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts'], { cwd: dir, encoding: 'utf8', env });
    if (run.status !== 0) throw new PlatformError(`--base ${ref}: synthesis failed:\n${run.stderr || run.stdout}`);
    const files = new Map<string, string>();
    for (const out of OUTPUT_DIRS) for (const [file, content] of readTree(dir, out)) files.set(file, content);
    return files;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
