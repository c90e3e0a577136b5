/**
 * The memo that spares synth from hashing the chart cache and the rendering records again
 * (lib/verified-by-stat.ts): an answer is reused only while every file it read is as it was.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VerifiedByStat } from '../lib/verified-by-stat';

/** Writes `file` as if an hour ago: the memo keeps no answer about a file changed a moment ago. */
function writeAged(file: string, text: string): void {
  fs.writeFileSync(file, text);
  const anHourAgo = new Date(Date.now() - 3_600_000 + text.length * 1000);
  fs.utimesSync(file, anHourAgo, anHourAgo);
}

/** The scratch folders, removed after the file. */
const scratchDirs: string[] = [];
afterAll(() => scratchDirs.forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));

function scratch(): { dir: string; file: string; cache: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verified-'));
  scratchDirs.push(dir);
  const file = path.join(dir, 'record.json');
  writeAged(file, 'one');
  return { dir, file, cache: path.join(dir, 'cache') };
}

describe('a check memoized by the stamps of its files', () => {
  it('runs once while the file is unchanged, also in a later process, and again after an edit', () => {
    const { file, cache } = scratch();
    let runs = 0;
    const check = () => `checked ${fs.readFileSync(file, 'utf8')} (${++runs})`;
    const first = new VerifiedByStat<string>('test', cache);
    expect(first.get(file, [file], check)).toBe('checked one (1)');
    expect(first.get(file, [file], check)).toBe('checked one (1)');
    first.save();
    // a later synth reads the memo from disk
    expect(new VerifiedByStat<string>('test', cache).get(file, [file], check)).toBe('checked one (1)');

    writeAged(file, 'three');
    expect(new VerifiedByStat<string>('test', cache).get(file, [file], check)).toBe('checked three (2)');
  });

  it('forgets, when it saves, the answers about paths that are gone (copies of the project come and go)', () => {
    const { dir, file, cache } = scratch();
    const gone = path.join(dir, 'copy');
    fs.mkdirSync(gone);
    writeAged(path.join(gone, 'record.json'), 'one');
    const memo = new VerifiedByStat<number>('test', cache);
    memo.get(file, [file], () => 1);
    memo.get(gone, [path.join(gone, 'record.json')], () => 2);
    fs.rmSync(gone, { recursive: true });
    memo.save();
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(cache, 'verified', 'test.json'), 'utf8')))).toEqual([file]);
  });

  it('keeps no answer about a file changed a moment ago, which could change again with the same stamp', () => {
    const { file, cache } = scratch();
    fs.writeFileSync(file, 'one');
    let runs = 0;
    const memo = new VerifiedByStat<number>('test', cache);
    expect(memo.get(file, [file], () => ++runs)).toBe(1);
    expect(memo.get(file, [file], () => ++runs)).toBe(2);
  });

  it('runs the check when a file is gone or the memo is damaged, and never throws for it', () => {
    const { dir, file, cache } = scratch();
    let runs = 0;
    const memo = new VerifiedByStat<number>('test', cache);
    expect(memo.get('k', [file, path.join(dir, 'missing')], () => ++runs)).toBe(1);
    expect(memo.get('k', [file, path.join(dir, 'missing')], () => ++runs)).toBe(2);
    fs.mkdirSync(path.join(cache, 'verified'), { recursive: true });
    fs.writeFileSync(path.join(cache, 'verified', 'test.json'), '{ not json');
    expect(new VerifiedByStat<number>('test', cache).get('k', [file], () => ++runs)).toBe(3);
  });
});
