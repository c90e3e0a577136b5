import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffTrees, TreeDiff } from '../lib/diff/object-diff';
import { IMAGES } from '../lib/images';
import { REPO_ROOT } from '../lib/paths';
import { findPin, imageKeyOf, rewritePin } from '../lib/release/image-pin';
import { OUTPUT_DIRS } from '../lib/synth/synthesize';
import { readTree } from '../lib/synth/writer';
import { copyProject } from './support/platform';

const SOURCE = fs.readFileSync(path.join(REPO_ROOT, 'lib/images.ts'), 'utf8');

describe('the image pin', () => {
  it('names the IMAGES key of a service in camelCase', () => {
    expect(imageKeyOf('url-shortener')).toBe('urlShortener');
    expect(() => imageKeyOf('URL_shortener')).toThrow('service "URL_shortener": not a kebab-case name (e.g. url-shortener)');
  });

  it('finds every pin of lib/images.ts, with its line, repository and tag', () => {
    for (const [key, image] of Object.entries(IMAGES)) {
      const pin = findPin(SOURCE, key);
      expect(`${pin.repository}:${pin.tag}`).toBe(image);
      expect(SOURCE.split('\n')[pin.line - 1]).toContain(image);
    }
  });

  it('rewrites the tag of one pin and no other line', () => {
    const updated = rewritePin(SOURCE, 'urlShortener', '1.2.3');
    const before = SOURCE.split('\n');
    const changed = updated.split('\n').flatMap((line, i) => (line === before[i] ? [] : [[before[i].trim(), line.trim()]]));
    expect(changed).toEqual([[`urlShortener: '${IMAGES.urlShortener}',`, `urlShortener: '${IMAGES.urlShortener.replace(/:[^:]+$/, ':1.2.3')}',`]]);
  });

  it('refuses a version that is not a release version, and a service without a pin', () => {
    expect(() => rewritePin(SOURCE, 'urlShortener', 'v1.2')).toThrow('version "v1.2": not a release version (e.g. 1.2.3)');
    expect(() => rewritePin(SOURCE, 'wiki', '1.2.3')).toThrow("lib/images.ts: no pin `wiki: '<repository>:<tag>',` (the IMAGES key of the service)");
  });
});

/** Every object of a tree whose pod template runs `image`, by the diff's key (`Kind.group ns/name`). */
function objectsRunning(files: Map<string, string>, image: string): string[] {
  const keys: string[] = [];
  for (const [file, text] of files) {
    if (!file.endsWith('.yaml')) continue;
    for (const doc of parseAllDocuments(text)) {
      const m = doc.toJS();
      const pod = m?.spec?.template?.spec ?? m?.spec?.jobTemplate?.spec?.template?.spec;
      const containers = [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])];
      if (!containers.some((c: { image?: string }) => c.image === image)) continue;
      const group = m.apiVersion.includes('/') ? `.${m.apiVersion.split('/')[0]}` : '';
      keys.push(`${m.kind}${group} ${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata.name}`);
    }
  }
  return keys.sort();
}

describe('npm run bump-image on a copy of the repository', () => {
  let copy: string;
  let before: Map<string, string>;
  let run: ReturnType<typeof spawnSync>;
  let diff: TreeDiff;
  const tree = (root: string) => new Map(OUTPUT_DIRS.flatMap(dir => [...readTree(root, dir)]));
  const bump = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bump-image.ts', ...args], { cwd: copy, encoding: 'utf8', timeout: 300_000 });

  beforeAll(() => {
    copy = copyProject(['dist', 'argocd']);
    before = tree(copy);
    run = bump('url-shortener', '9.8.7');
    diff = diffTrees(before, tree(copy));
  }, 300_000);
  afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

  it("changes exactly the service's Deployment, which now runs the new tag", () => {
    expect(run.status, String(run.stderr)).toBe(0);
    const running = objectsRunning(before, IMAGES.urlShortener);
    expect(running.length).toBeGreaterThan(0);
    expect(running.every(key => key.startsWith('Deployment.apps url-shortener/'))).toBe(true);
    expect(diff.totals).toMatchObject({ added: 0, removed: 0, renamed: 0, changed: running.length });
    expect(diff.apps.map(a => a.app)).toEqual(['dist/apps/url-shortener']);
    expect(diff.apps[0].changed.map(c => c.key).sort()).toEqual(running);
    for (const change of diff.apps[0].changed) {
      const lines = change.patch!.split('\n').filter(l => /^[-+][^-+]/.test(l));
      expect(lines).toEqual([`-          image: ${IMAGES.urlShortener}`, `+          image: ${IMAGES.urlShortener.replace(/:[^:]+$/, ':9.8.7')}`]);
    }
    expect(objectsRunning(tree(copy), IMAGES.urlShortener.replace(/:[^:]+$/, ':9.8.7'))).toEqual(running);
  });

  it('prints the object diff it made, and rewrites only the pin in lib/images.ts', () => {
    expect(run.stdout).toContain(`lib/images.ts: urlShortener ${IMAGES.urlShortener.split(':').pop()} -> 9.8.7`);
    expect(run.stdout).toContain(`Plan: 0 to add, ${diff.totals.changed} to change, 0 to rename, 0 to remove`);
    expect(fs.readFileSync(path.join(copy, 'lib/images.ts'), 'utf8')).toBe(rewritePin(SOURCE, 'urlShortener', '9.8.7'));
    expect(fs.readFileSync(path.join(REPO_ROOT, 'lib/images.ts'), 'utf8')).toBe(SOURCE);
  });

  it('refuses a bad version before touching anything, exit 2', () => {
    const now = tree(copy);
    const bad = bump('url-shortener', 'latest');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('version "latest": not a release version (e.g. 1.2.3)');
    expect(tree(copy)).toEqual(now);
  });

  it('prints the image repository the release workflow pushes to', () => {
    const repo = bump('url-shortener', '--repository');
    expect(repo.status).toBe(0);
    expect(repo.stdout.trim()).toBe(IMAGES.urlShortener.replace(/:[^:]+$/, ''));
  });
});
