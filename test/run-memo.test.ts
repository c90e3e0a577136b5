/**
 * The memo that lets a synth or a validation with nothing changed replay its last report
 * (scripts/run-memo.cjs): a probe program, run as scripts/launch.cjs runs a memoized entry, counts
 * its real runs in its cache folder, which the memo does not treat as an input.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lib/paths';

const PROBE = `
const fs = require('node:fs');
const path = require('node:path');
const { openMemo, memoName } = require(${JSON.stringify(path.join(REPO_ROOT, 'scripts/run-memo.cjs'))});
const dir = __dirname;
const args = process.argv.slice(2);
const memo = openMemo({ file: path.join(dir, 'cache', memoName('probe', args)), key: JSON.stringify(args), caches: [path.join(dir, 'cache')] });
if (memo.replay()) process.exit(0);
memo.trace();
const runs = path.join(dir, 'cache', 'runs');
fs.writeFileSync(runs, String(Number(fs.existsSync(runs) ? fs.readFileSync(runs, 'utf8') : 0) + 1));
const input = fs.readFileSync(path.join(dir, 'input.txt'), 'utf8');
const listed = fs.readdirSync(path.join(dir, 'listed')).join(',');
console.log('input ' + input + ', listed ' + listed + ', PROBE_MODE ' + (process.env.PROBE_MODE ?? 'unset'));
const action = process.argv[2];
if (action === 'fail') process.exitCode = 2;
if (action === 'write') fs.writeFileSync(path.join(dir, 'output.txt'), input);
if (action === 'spawn') require('node:child_process').execFileSync('true');
if (action === 'stdin') process.stdin;
`;

/** A file's time an hour back: the memo keeps nothing about a file changed a moment before the run. */
function age(file: string): void {
  const anHourAgo = new Date(Date.now() - 3_600_000);
  fs.utimesSync(file, anHourAgo, anHourAgo);
}

/** The probes' folders, removed after the file. */
const probes: string[] = [];
afterAll(() => probes.forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));

function probe(base = os.tmpdir()) {
  const dir = fs.mkdtempSync(path.join(base, 'run-memo-'));
  probes.push(dir);
  fs.mkdirSync(path.join(dir, 'cache'));
  fs.mkdirSync(path.join(dir, 'listed'));
  fs.writeFileSync(path.join(dir, 'listed', 'a'), '');
  fs.writeFileSync(path.join(dir, 'probe.cjs'), PROBE);
  const setInput = (text: string) => {
    fs.writeFileSync(path.join(dir, 'input.txt'), text);
    age(path.join(dir, 'input.txt'));
  };
  setInput('one');
  age(path.join(dir, 'listed'));
  const run = (args: string[] = [], env: Record<string, string> = {}) => {
    const result = spawnSync(process.execPath, [path.join(dir, 'probe.cjs'), ...args], { encoding: 'utf8', env: { ...process.env, PLATFORM_MEMO: '', ...env } });
    return { ...result, runs: Number(fs.readFileSync(path.join(dir, 'cache', 'runs'), 'utf8')) };
  };
  return { dir, run, setInput };
}

describe('a run replayed while nothing it read has changed', () => {
  it('replays the report, and runs again after a file it read, a folder it listed or a setting it looked at changed', () => {
    const { dir, run, setInput } = probe();
    const first = run();
    expect(first).toMatchObject({ status: 0, stdout: 'input one, listed a, PROBE_MODE unset\n', runs: 1 });

    const replayed = run();
    expect(replayed.status).toBe(0);
    expect(replayed.runs).toBe(1);
    expect(replayed.stdout).toMatch(/^input one, listed a, PROBE_MODE unset\n\(replayed: none of the \d+ files and \d+ settings this run read has changed since .*\)\n$/);

    setInput('two');
    expect(run()).toMatchObject({ stdout: 'input two, listed a, PROBE_MODE unset\n', runs: 2 });
    expect(run().runs).toBe(2);

    fs.writeFileSync(path.join(dir, 'listed', 'b'), '');
    age(path.join(dir, 'listed'));
    expect(run()).toMatchObject({ stdout: 'input two, listed a,b, PROBE_MODE unset\n', runs: 3 });

    expect(run([], { PROBE_MODE: 'strict' })).toMatchObject({ stdout: 'input two, listed a,b, PROBE_MODE strict\n', runs: 4 });
    expect(run([], { PROBE_MODE: 'strict' }).runs).toBe(4);
    expect(run()).toMatchObject({ stdout: 'input two, listed a,b, PROBE_MODE unset\n', runs: 5 });

    expect(run([], { PLATFORM_MEMO: 'off' }).runs).toBe(6);
  });

  it('reads files in shared memory (/dev/shm, where the tests keep their copies) as inputs, unlike devices', () => {
    const { run, setInput } = probe('/dev/shm');
    expect(run().runs).toBe(1);
    expect(run().runs).toBe(1);
    setInput('two');
    expect(run()).toMatchObject({ stdout: 'input two, listed a, PROBE_MODE unset\n', runs: 2 });
  });

  it('keeps one report per set of arguments', () => {
    const { run } = probe();
    run(['a']);
    run(['b']);
    expect(run(['a']).runs).toBe(2);
    expect(run(['b']).runs).toBe(2);
  });

  it.each([
    ['exits non-zero', 'fail'],
    ['writes outside its caches', 'write'],
    ['starts a child process, whose inputs it cannot see', 'spawn'],
    ['touches standard input', 'stdin'],
  ])('never replays a run that %s', (_, action) => {
    const { run } = probe();
    run([action]);
    expect(run([action]).runs).toBe(2);
  });

  it('keeps nothing about a file changed a moment before the run, which an edit in the same clock tick could hide', () => {
    const { dir, run } = probe();
    fs.writeFileSync(path.join(dir, 'input.txt'), 'new');
    run();
    expect(run().runs).toBe(2);
    age(path.join(dir, 'input.txt'));
    run();
    expect(run().runs).toBe(3);
  });
});
