import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { clusterBinaries } from './binaries';
import { ClusterEndpoint, KubeClient } from './client';
import { GO_RUNTIME_ENV } from './go-runtime';

export interface ControlPlane {
  readonly client: KubeClient;
  readonly endpoint: ClusterEndpoint & { readonly dir: string; readonly startMs: number };
  /** Stops every component and removes the run folder; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Boots etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok on loopback
 * through the Go harness (test/cluster/cmd/harness), and waits until they answer. The harness
 * tears everything down when its stdin closes, so the run ends with this process even on a crash.
 */
export async function startControlPlane(options: { keepLogs?: boolean } = {}): Promise<ControlPlane> {
  const bin = clusterBinaries();
  // The harness passes its environment on to every component.
  const child = spawn(path.join(bin, 'harness'), ['--bin', bin, ...(options.keepLogs ? ['--keep'] : [])], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...GO_RUNTIME_ENV },
  });
  let stderr = '';
  child.stderr!.on('data', chunk => { stderr += chunk; });
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', code => reject(new Error(`the control plane did not start (exit ${code}):\n${stderr}`)));
  });
  const endpoint = JSON.parse(line);
  const client = new KubeClient(endpoint);
  await client.discover();
  return {
    client,
    endpoint,
    async stop() {
      client.close();
      if (child.exitCode === null) child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
