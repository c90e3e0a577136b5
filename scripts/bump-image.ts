/**
 * `npm run bump-image -- <service> <version> [--root <dir>]`: sets the service's image pin in
 * lib/images.ts to the released version, re-synthesizes dist/ and argocd/ with `npm run synth`,
 * and prints the object diff of the result. The release workflow runs it before opening the
 * pull request, so the bump arrives with its rendered diff.
 * `npm run bump-image -- <service> --repository` prints the pin's image repository and changes nothing.
 * Exit codes: 0 done, 2 bad input or a failed synth (lib/images.ts is then restored).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatDiffText } from '../lib/diff/format';
import { diffTrees } from '../lib/diff/object-diff';
import { PlatformError } from '../lib/errors';
import { REPO_ROOT } from '../lib/paths';
import { IMAGES_FILE, findPin, imageKeyOf, rewritePin } from '../lib/release/image-pin';
import { OUTPUT_DIRS } from '../lib/synth/synthesize';
import { readTree } from '../lib/synth/writer';

const USAGE = 'usage: npm run bump-image -- <service> <version> [--root <dir>] | <service> --repository';

function readOutputs(root: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const dir of OUTPUT_DIRS) for (const [file, text] of readTree(root, dir)) files.set(file, text);
  return files;
}

function main(argv: string[]): number {
  const positional: string[] = [];
  let root = REPO_ROOT;
  let repositoryOnly = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--root' && argv[i + 1]) root = path.resolve(argv[++i]);
    else if (argv[i] === '--repository') repositoryOnly = true;
    else if (argv[i].startsWith('--')) return usage(`unexpected flag ${argv[i]}`);
    else positional.push(argv[i]);
  }
  if (positional.length !== (repositoryOnly ? 1 : 2)) return usage(`expected ${repositoryOnly ? 'a service' : 'a service and a version'}`);
  const [service, version] = positional;
  const file = path.join(root, IMAGES_FILE);
  try {
    const source = fs.readFileSync(file, 'utf8');
    const key = imageKeyOf(service);
    if (repositoryOnly) {
      console.log(findPin(source, key).repository);
      return 0;
    }
    const updated = rewritePin(source, key, version);
    const before = readOutputs(root);
    fs.writeFileSync(file, updated);
    // The same command as `npm run synth`: type-check, bundle, validate, write atomically.
    const synth = spawnSync(process.execPath, [path.join(root, 'scripts/launch.cjs'), 'main.ts'], { cwd: root, encoding: 'utf8' });
    if (synth.status !== 0) {
      fs.writeFileSync(file, source);
      throw new PlatformError(`npm run synth failed after setting ${key} to ${version}; ${IMAGES_FILE} is restored:\n${synth.stderr || synth.stdout}`);
    }
    console.log(`${IMAGES_FILE}: ${key} ${findPin(source, key).tag} -> ${version}`);
    console.log(formatDiffText(diffTrees(before, readOutputs(root))));
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
}

function usage(problem: string): number {
  console.error(`${problem}; ${USAGE}`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
