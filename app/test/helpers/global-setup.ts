import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { requireServices } from './services.js';

const appDir = fileURLToPath(new URL('../..', import.meta.url));

/** Checks the services once, and compiles the server for the tests that run it as a process. */
export default async function setup(): Promise<void> {
  await requireServices();
  execFileSync(process.execPath, [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: appDir,
    stdio: 'inherit',
  });
}
