import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';

export { freePort };

export const APP_DIR = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs a compiled script of the app (global setup built it) with the given environment. */
export function runNode(script: string, args: string[], env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: APP_DIR,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

export interface RunningServer extends RunningProcess {
  baseUrl: string;
  stop(): Promise<void>;
}

/** Starts `node build/server.js` as production does and waits until /ready answers 200. */
export async function startServer(env: Record<string, string>, timeoutMs = 20_000): Promise<RunningServer> {
  const port = await freePort();
  // seed 002's open contract unless the test says otherwise (OPEN_API=false)
  const seedContract = { OPEN_API: 'true', RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_CREATES: '0', RATE_LIMIT_REDIRECT_MISSES: '0' };
  const running = runNode('build/server.js', [], { HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...seedContract, ...env });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void running.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`server exited during start:\n${running.output()}`);
    try {
      const response = await fetch(`${baseUrl}/ready`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      running.child.kill('SIGKILL');
      throw new Error(`server not ready within ${timeoutMs} ms:\n${running.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    ...running,
    baseUrl,
    async stop() {
      if (running.child.exitCode === null && running.child.signalCode === null) {
        running.child.kill('SIGTERM');
        const timer = setTimeout(() => running.child.kill('SIGKILL'), 15_000);
        await running.exited;
        clearTimeout(timer);
      }
    },
  };
}
