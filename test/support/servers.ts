import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
// one helper for both packages: the service's (plain Node, no imports of its own)
import { freePort } from '../../lib/cluster/ports';

export { freePort };

/** Several distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** The path of a program the test needs; throws (the test fails, never skips) when it is missing. */
export function requireProgram(name: string, candidates: string[] = []): string {
  for (const candidate of candidates) if (fs.existsSync(candidate)) return candidate;
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`${name} is not installed; run scripts/install-test-tools.sh (as root) or install it from Debian`);
  }
}

/** PostgreSQL server binaries of the newest installed major version. */
export function postgresBin(program: string): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter(v => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  return requireProgram(program, versions.map(v => path.join(root, v, 'bin', program)));
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise(r => setTimeout(r, 200));
  }
}

/** Processes a test started, stopped (by their own pid) when it ends. */
export class Processes {
  private readonly children: ChildProcess[] = [];

  /** Starts `command`, logging its output to `logFile`. */
  public start(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; logFile: string; uid?: number; gid?: number }): ChildProcess {
    const log = fs.openSync(options.logFile, 'a');
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, uid: options.uid, gid: options.gid, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    this.children.push(child);
    return child;
  }

  /** Stops one process and waits for it to exit. */
  public async stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise(resolve => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  public async stopAll(): Promise<void> {
    await Promise.all(this.children.map(c => this.stop(c, 'SIGKILL')));
  }
}

/** Tools the generated scripts use; the Alpine images provide them as busybox applets. */
const APPLETS = ['sh', 'awk', 'cat', 'date', 'find', 'mv', 'rm', 'sleep', 'timeout', 'tr', 'wc'];

/**
 * A folder of busybox applets to put first on PATH, so a script runs with the shell and tools of
 * the Alpine images rather than Debian's dash and GNU tools.
 */
export function busyboxPath(dir: string): string {
  const busybox = requireProgram('busybox');
  const bin = path.join(dir, 'busybox-bin');
  fs.mkdirSync(bin, { recursive: true });
  for (const applet of APPLETS) if (!fs.existsSync(path.join(bin, applet))) fs.symlinkSync(busybox, path.join(bin, applet));
  return bin;
}
