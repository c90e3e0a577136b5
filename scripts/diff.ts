/**
 * `npm run diff -- --base <git ref> [--format text|markdown]`: what this working tree would change
 * in dist/ and argocd/ compared with another revision, object by object, like a Terraform plan.
 * Exit codes: 0 no difference, 1 differences, 2 error.
 */
import { buildPlatform } from '../charts/platform';
import { synthesizeRevision } from '../lib/diff/base-revision';
import { formatDiffMarkdown, formatDiffText } from '../lib/diff/format';
import { diffTrees, hasChanges } from '../lib/diff/object-diff';
import { REPO_ROOT } from '../lib/paths';
import { renderAndValidate } from '../lib/synth/synthesize';

const ROOT = REPO_ROOT;
const USAGE = 'usage: npm run diff -- [--base <git ref>] [--format text|markdown]';

function main(argv: string[]): number {
  let base = 'HEAD';
  let format = 'text';
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--base' && value) { base = value; i++; }
    else if (argv[i] === '--format' && (value === 'text' || value === 'markdown')) { format = value; i++; }
    else {
      console.error(`unexpected argument ${argv[i]}${argv[i] === '--format' ? ' (text or markdown)' : ''}; ${USAGE}`);
      return 2;
    }
  }
  try {
    const before = synthesizeRevision(ROOT, base);
    const after = renderAndValidate(buildPlatform).rendering.files;
    const diff = diffTrees(before, after);
    console.log(format === 'markdown' ? formatDiffMarkdown(diff) : formatDiffText(diff));
    return hasChanges(diff) ? 1 : 0;
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
}

process.exitCode = main(process.argv.slice(2));
