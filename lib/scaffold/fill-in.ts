import * as fs from 'node:fs';
import * as path from 'node:path';
import { PlatformError } from '../errors';
import { REPO_ROOT } from '../paths';

/** The call `npm run new-app` writes where it was not told a value: `fillIn('image', '...')`. */
const CALL = /fillIn(?:<[^>]*>)?\(\s*'([^']*)'\s*,\s*'((?:[^'\\]|\\.)*)'/;

/** Every `fillIn(...)` left in the charts, as `charts/<file>.ts:<line>: <what>: <how>`. */
export function fillInsLeft(root = REPO_ROOT): string[] {
  const dir = path.join(root, 'charts');
  if (!fs.existsSync(dir)) return [];
  const found: string[] = [];
  for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.ts')).sort()) {
    fs.readFileSync(path.join(dir, file), 'utf8').split('\n').forEach((line, i) => {
      const m = CALL.exec(line);
      if (m && !line.trim().startsWith('//') && !line.trim().startsWith('*')) found.push(`charts/${file}:${i + 1}: ${m[1]}: ${m[2].replace(/\\'/g, "'")}`);
    });
  }
  return found;
}

/**
 * A value `npm run new-app` was not given and did not guess: synthesis fails here, naming every
 * value left to fill in with its file and line, so no placeholder ever reaches the cluster.
 * Replace the call with the value.
 */
export function fillIn<T = never>(what: string, how: string): T {
  const left = fillInsLeft();
  const list = left.length ? left : [`${what}: ${how}`];
  throw new PlatformError(`${list.length} value${list.length === 1 ? '' : 's'} left to fill in, written by \`npm run new-app\`; replace each fillIn(...) with the value:\n  ${list.join('\n  ')}`);
}
