'use strict';
/**
 * Skips a run whose inputs are all as they were, as make skips an up-to-date target, except that the
 * inputs are not declared: they are traced. While a run goes, every file and folder it reads, stats or
 * lists and every environment variable it looks at is noted; when it exits 0 having written nothing
 * outside its caches, the run's output is kept with a stamp of each of those inputs. The next run with
 * the same arguments replays that output without loading anything when every stamp still matches.
 *
 * PLATFORM_MEMO=off runs without replaying or keeping anything.
 *
 * Whatever the tracer cannot see makes the run unmemoizable rather than wrong: a child process, a
 * worker, an asynchronous file call, a write outside the caches. Caches are not inputs: each one
 * answers the same as the work it saves, or it is a bug of that cache.
 *
 * As git does for "racy clean" files, a stamp whose file changed within RACY_MS of the run is not
 * trusted: a file edited twice within one clock tick, keeping its size, would look unchanged.
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { fileURLToPath } = require('node:url');

const RACY_MS = 2000;
const FORMAT = 1;
/** Device files change with every write anyone makes to them; they are never a run's input. */
const NEVER_INPUTS = ['/dev/', '/proc/', '/sys/'];
/** But for shared memory's: a file system of plain files (the tests' copies live there, test/support/tmpfs.ts). */
const PLAIN_FILES_UNDER_DEV = '/dev/shm/';
/** What a run reads from these differs each time: such a run is never replayed. */
const STANDARD_STREAMS = ['/dev/stdin', '/dev/fd/', '/proc/self/fd/'];

const READS = ['readFileSync', 'statSync', 'lstatSync', 'existsSync', 'accessSync', 'realpathSync', 'readlinkSync'];
const LISTS = ['readdirSync', 'opendirSync'];
const WRITES = ['writeFileSync', 'appendFileSync', 'mkdirSync', 'mkdtempSync', 'rmSync', 'rmdirSync', 'unlinkSync', 'symlinkSync', 'linkSync', 'utimesSync', 'truncateSync', 'chmodSync', 'renameSync', 'copyFileSync', 'cpSync'];
const CHILD_PROCESSES = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'];

/** What a path looks like now: its size, time and inode, its listing for a folder listed, or missing. */
function stampOf(file, listed) {
  try {
    if (listed) return fs.readdirSync(file).sort().join('/');
    const s = fs.statSync(file);
    return `${s.isDirectory() ? 'd' : 'f'}:${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch {
    return 'missing';
  }
}

const changedSince = (stamp, ms) => stamp.startsWith('d:') || stamp.startsWith('f:') ? Number(stamp.split(':')[2]) > ms : false;

function asPath(value) {
  if (typeof value === 'string') return path.resolve(value);
  if (value instanceof URL) return fileURLToPath(value);
  if (Buffer.isBuffer(value)) return path.resolve(value.toString());
  return undefined; // a file descriptor: opened by a traced call
}

/**
 * @param {object} options
 * @param {string} options.file where the memo is kept
 * @param {string} options.key everything the run depends on besides what it reads: entry, bundle, arguments
 * @param {string[]} options.caches folders whose files are caches, not inputs
 */
function openMemo({ file, key, caches }) {
  const cacheDirs = caches.map(dir => path.resolve(dir) + path.sep);
  const isIgnored = p => cacheDirs.some(prefix => p.startsWith(prefix)) ||
    (NEVER_INPUTS.some(prefix => p.startsWith(prefix)) && !p.startsWith(PLAIN_FILES_UNDER_DEV));

  /** Writes the kept output and returns true when every input is as the memo stamped it. */
  function replay() {
    if (process.env.PLATFORM_MEMO === 'off') return false;
    let memo;
    try {
      memo = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      return false;
    }
    if (memo.format !== FORMAT || memo.key !== key) return false;
    for (const [name, value] of Object.entries(memo.env)) if ((process.env[name] ?? null) !== value) return false;
    for (const [p, stamp] of Object.entries(memo.files)) if (stampOf(p, false) !== stamp) return false;
    for (const [p, stamp] of Object.entries(memo.listings)) if (stampOf(p, true) !== stamp) return false;
    for (const [stream, text] of memo.output) (stream === 1 ? process.stdout : process.stderr).write(text);
    process.stdout.write(`(replayed: none of the ${Object.keys(memo.files).length} files and ${Object.keys(memo.env).length} settings this run read has changed since ${memo.at}; PLATFORM_MEMO=off runs it anyway)\n`);
    return true;
  }

  /** Notes the run's inputs and output from now on, and keeps them when it exits 0 having written nothing. */
  function trace() {
    if (process.env.PLATFORM_MEMO === 'off') return;
    const files = new Set();
    const listings = new Set();
    const env = new Map();
    const output = [];
    let spoiled;
    const spoil = why => { spoiled ??= why; };
    const started = Date.now();

    const wrap = (target, name, note) => {
      const original = target[name];
      if (typeof original !== 'function') return;
      // keeps what hangs on the function, such as realpathSync.native
      target[name] = Object.assign(function traced(...args) {
        note(args);
        return original.apply(this, args);
      }, original);
    };
    const noteRead = set => args => {
      if (args[0] === 0) return spoil('standard input');
      const p = asPath(args[0]);
      if (p === undefined) return;
      if (STANDARD_STREAMS.some(prefix => p.startsWith(prefix))) spoil(p);
      else if (!isIgnored(p)) set.add(p);
    };
    for (const name of READS) wrap(fs, name, noteRead(files));
    for (const name of LISTS) wrap(fs, name, noteRead(listings));
    wrap(fs, 'openSync', args => {
      const p = asPath(args[0]);
      if (p === undefined || isIgnored(p)) return;
      if ((args[1] ?? 'r') === 'r' || args[1] === 0) files.add(p);
      else spoil(`opened ${p} for writing`);
    });
    for (const name of WRITES) {
      wrap(fs, name, args => {
        for (const arg of name === 'renameSync' || name === 'cpSync' || name === 'copyFileSync' || name === 'linkSync' ? args.slice(0, 2) : args.slice(0, 1)) {
          const p = asPath(arg);
          if (p !== undefined && !isIgnored(p)) spoil(`${name} ${p}`);
        }
      });
    }
    for (const name of Object.keys(fs.promises)) wrap(fs.promises, name, () => spoil(`fs.promises.${name}`));
    for (const name of [...READS, ...LISTS, ...WRITES, 'open']) wrap(fs, name.replace(/Sync$/, ''), () => spoil(`fs.${name.replace(/Sync$/, '')}`));
    const childProcess = require('node:child_process');
    for (const name of CHILD_PROCESSES) wrap(childProcess, name, () => spoil(`child_process.${name}`));
    const workers = require('node:worker_threads');
    wrap(workers, 'Worker', () => spoil('a worker thread'));
    const stdin = Object.getOwnPropertyDescriptor(process, 'stdin');
    Object.defineProperty(process, 'stdin', { ...stdin, get() { spoil('standard input'); return stdin.get.call(this); } });

    const variables = process.env;
    process.env = new Proxy(variables, {
      get(target, name) {
        if (typeof name === 'string') env.set(name, target[name] ?? null);
        return target[name];
      },
      has(target, name) {
        if (typeof name === 'string') env.set(name, target[name] ?? null);
        return name in target;
      },
      ownKeys(target) {
        for (const name of Reflect.ownKeys(target)) if (typeof name === 'string') env.set(name, target[name] ?? null);
        return Reflect.ownKeys(target);
      },
    });

    for (const [stream, fd] of [[process.stdout, 1], [process.stderr, 2]]) {
      const write = stream.write;
      stream.write = function captured(chunk, ...rest) {
        output.push([fd, typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')]);
        return write.call(this, chunk, ...rest);
      };
    }

    // A memo this run does not replace stays right or wrong by its own stamps.
    process.once('exit', code => {
      if (code !== 0 || spoiled) return;
      const memo = { format: FORMAT, key, at: new Date(started).toISOString(), env: Object.fromEntries(env), files: {}, listings: {}, output };
      for (const p of [...files].sort()) memo.files[p] = stampOf(p, false);
      for (const p of [...listings].sort()) memo.listings[p] = stampOf(p, true);
      const racy = started - RACY_MS;
      if (Object.values(memo.files).some(stamp => changedSince(stamp, racy))) return;
      const temp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temp, JSON.stringify(memo));
      fs.renameSync(temp, file);
    });
  }

  return { replay, trace };
}

/** A memo's file name for a run's arguments, so `synth` and `synth --check` keep one each. */
const memoName = (name, args) => `${name}.memo-${crypto.createHash('sha256').update(JSON.stringify(args)).digest('hex').slice(0, 16)}.json`;

module.exports = { openMemo, memoName };
