/**
 * Entry point of `npm run synth` and `npx cdk8s synth`: builds the platform, validates every
 * object, and replaces dist/ and argocd/ atomically.
 *
 * Exit codes: 0 written (or, with --check, up to date); 1 crash; 2 the platform is invalid;
 * 3 with --check, the committed files differ from what the code synthesizes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildPlatform } from './charts/platform';
import { PlatformError } from './lib/errors';
import { REPO_ROOT } from './lib/paths';
import { formatSummary } from './lib/synth/report';
import { synthesize } from './lib/synth/synthesize';

const ROOT = REPO_ROOT;

/** `cdk8s synth` empties its output folder first; pointing it at dist/ keeps its file listing working. */
function linkCdk8sOutput(): void {
  const outdir = process.env.CDK8S_OUTDIR;
  if (!outdir || path.resolve(ROOT, outdir) === path.join(ROOT, 'dist')) return;
  const link = path.resolve(ROOT, outdir);
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(path.relative(path.dirname(link), path.join(ROOT, 'dist')), link);
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const unknown = argv.filter(a => a !== '--check');
  if (unknown.length) {
    console.error(`unknown argument${unknown.length > 1 ? 's' : ''}: ${unknown.join(' ')} (usage: npm run synth [-- --check])`);
    return 1;
  }
  try {
    const summary = synthesize(buildPlatform, { root: ROOT, check });
    console.log(formatSummary(summary, performance.now(), check));
    const { added, changed, removed } = summary.result;
    if (check && added.length + changed.length + removed.length > 0) {
      console.error('dist/ and argocd/ differ from what the code synthesizes; run `npm run synth` and commit the result');
      return 3;
    }
    if (!check) linkCdk8sOutput();
    return 0;
  } catch (error) {
    if (error instanceof PlatformError) {
      console.error(error.message);
      console.error('Nothing was written.');
      return 2;
    }
    throw error;
  }
}

process.exitCode = main(process.argv.slice(2));
