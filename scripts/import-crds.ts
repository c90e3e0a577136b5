/**
 * Regenerates imports/ offline: runs `cdk8s import` for every entry of cdk8s.yaml, reading each
 * upstream URL's file from the vendored CRD folder ($PLATFORM_CRDS_DIR, default schemas/crds).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { crdsDir } from '../lib/schema-sources';

function findFile(dir: string, name: string): string | undefined {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findFile(full, name);
      if (found) return found;
    } else if (entry.name === name) {
      return full;
    }
  }
  return undefined;
}

function main(): void {
  const root = path.resolve(__dirname, '..');
  const outdir = process.argv[2] ?? path.join(root, 'imports');
  const config = parse(fs.readFileSync(path.join(root, 'cdk8s.yaml'), 'utf8')) as { imports: string[] };
  const dir = crdsDir();
  for (const spec of config.imports) {
    const [prefix, url] = spec.split(':=');
    const local = findFile(dir, path.basename(url));
    if (!local) throw new Error(`cdk8s.yaml: import ${prefix}: no file ${path.basename(url)} under ${dir}`);
    execFileSync(path.join(root, 'node_modules/.bin/cdk8s'), ['import', `${prefix}:=${local}`, '--output', outdir, '--no-save'], { cwd: root, stdio: 'inherit' });
  }
}

main();
