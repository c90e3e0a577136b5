/**
 * `npm run release:version -- [--dir app] [--no-ci]`: the next version of the service in `--dir`,
 * as semantic-release computes it from the Conventional Commits since its last release tag
 * (`<dir>/.releaserc.json`: commit analyzer and release notes, commits touching the folder only).
 * Always a dry run: it tags nothing. Prints `{"version": "1.2.3", "tag": "...", "notes": "..."}`
 * (`version` null when nothing releasable landed) and, under GitHub Actions, writes `version`,
 * `tag` and `notes` to the step's outputs. semantic-release's own log goes to stderr.
 * semantic-release and its plugins come from tools/release (scripts/install-release-tools.sh), not
 * from the root install.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type NextRelease, nextRelease } from '../lib/release/next-release';

const USAGE = 'usage: npm run release:version -- [--dir <service folder>] [--no-ci]';

function writeGithubOutput(file: string, release: NextRelease): void {
  const delimiter = `notes_${Date.now()}`;
  fs.appendFileSync(file, `version=${release.version ?? ''}\ntag=${release.tag ?? ''}\nnotes<<${delimiter}\n${release.notes}\n${delimiter}\n`);
}

async function main(argv: string[]): Promise<number> {
  let dir = 'app';
  let ci = true;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dir' && argv[i + 1]) dir = argv[++i];
    else if (argv[i] === '--no-ci') ci = false;
    else {
      console.error(`unexpected argument ${argv[i]}; ${USAGE}`);
      return 2;
    }
  }
  const absolute = path.resolve(dir);
  if (!fs.existsSync(path.join(absolute, '.releaserc.json'))) {
    console.error(`${path.join(dir, '.releaserc.json')}: missing; the service's release configuration`);
    return 2;
  }
  try {
    const release = await nextRelease(absolute, { ci });
    if (process.env.GITHUB_OUTPUT) writeGithubOutput(process.env.GITHUB_OUTPUT, release);
    process.stdout.write(`${JSON.stringify(release)}\n`);
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
}

main(process.argv.slice(2)).then(code => { process.exitCode = code; });
