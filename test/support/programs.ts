import { spawnSync } from 'node:child_process';

// one helper for the platform's tools and both packages' tests
export { freePort } from '../../lib/cluster/ports';

/** The Debian package each program the tests run comes from (see scripts/install-test-tools.sh). */
const PACKAGE: Record<string, string> = {
  'promtool': 'prometheus',
  'prometheus': 'prometheus',
  'amtool': 'prometheus-alertmanager',
  'prometheus-alertmanager': 'prometheus-alertmanager',
  'prometheus-blackbox-exporter': 'prometheus-blackbox-exporter',
};

export interface ProgramResult {
  readonly status: number;
  /** stdout and stderr together. */
  readonly output: string;
  readonly stdout: string;
}

/**
 * Runs a real program and returns its exit status and output. A missing program fails the test,
 * naming the package to install; it never skips.
 */
export function runProgram(command: string, args: string[], options: { cwd?: string } = {}): ProgramResult {
  const result = spawnSync(command, args, { cwd: options.cwd, encoding: 'utf8', timeout: 60_000 });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(`${command} is not installed (apt-get install ${PACKAGE[command] ?? command}, or run scripts/install-test-tools.sh as root)`);
  }
  if (result.error) throw result.error;
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}`, stdout: result.stdout };
}

/** Calls `check` every 500 ms until it returns a value, failing with `message` after `timeoutMs`. */
export async function poll<T>(check: () => Promise<T | undefined>, timeoutMs: number, message: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(message);
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}
