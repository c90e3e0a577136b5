import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './ports';
import { argocdBinaries } from './argocd-binaries';
import { GO_RUNTIME_ENV } from './go-runtime';
import { readIndex } from './sources';

/**
 * The real Argo CD, out of the cluster, on loopback: a redis-server and the three components that
 * sync (repo-server, application controller, ApplicationSet controller), each the one binary the
 * tests build at the pinned version, acting as the component its name says. They read the
 * cluster's settings (argocd-cm, the AppProjects) like in-cluster ones, and the command
 * parameters the platform generates (argocd-cmd-params-cm) as their Deployments pass them.
 */
export interface ArgoCdProcesses {
  /** Folder of the components' logs. */
  readonly logs: string;
  stop(): Promise<void>;
}

interface Component {
  readonly name: string;
  /** The workload of the install manifests whose environment it takes. */
  readonly workload: string;
  readonly args: string[];
  readonly env?: Record<string, string>;
  /** An HTTP endpoint that answers 200 once it is up. */
  readonly ready?: string;
}

type EnvVar = { name: string; value?: string; valueFrom?: { configMapKeyRef?: { name: string; key: string } } };

/**
 * The environment a workload of the rendered install gives its first container: plain values,
 * and the keys of argocd-cmd-params-cm it reads, resolved against the rendered ConfigMap.
 */
function environmentOf(installDir: string, workload: string): Record<string, string> {
  const index = readIndex(installDir);
  const configMaps = new Map(index.ofKind('ConfigMap').map(o => [o.manifest.metadata.name, (o.object.data ?? {}) as Record<string, string>]));
  // Argo CD's servers run as Deployments and its application controller as a StatefulSet: their first container.
  const owner = index.pods.find(p => ['Deployment', 'StatefulSet'].includes(p.object.manifest.kind) && p.object.manifest.metadata.name === workload);
  if (!owner) throw new Error(`${installDir}: no workload ${workload}`);
  const env: Record<string, string> = {};
  for (const e of (owner.template.spec?.containers[0]?.env ?? []) as EnvVar[]) {
    if (e.value !== undefined) env[e.name] = e.value;
    const ref = e.valueFrom?.configMapKeyRef;
    const value = ref ? configMaps.get(ref.name)?.[ref.key] : undefined;
    if (value !== undefined) env[e.name] = value;
  }
  return env;
}

async function waitHttp(url: string, child: ChildProcess, name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before it was ready`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${name} not ready after ${timeoutMs / 1000} s (${url})`);
    await new Promise(r => setTimeout(r, 200));
  }
}

/**
 * Starts Argo CD against the cluster of `kubeconfig` (its current context, where Argo CD's objects
 * live in `namespace`), with the settings of the install rendered in `installDir`.
 */
export async function startArgoCd(options: { kubeconfig: string; namespace: string; installDir: string; keepLogs?: boolean }): Promise<ArgoCdProcesses> {
  const bin = argocdBinaries();
  const logs = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-argocd-'));
  const [redis, repo, repoMetrics, controllerMetrics, appsetMetrics, appsetProbe, appsetWebhook] = await Promise.all(Array.from({ length: 7 }, () => freePort()));
  const children: ChildProcess[] = [];
  const run = (name: string, command: string, args: string[], env: Record<string, string>) => {
    const log = fs.openSync(path.join(logs, `${name}.log`), 'a');
    const child = spawn(command, args, { env, stdio: ['ignore', log, log], cwd: logs });
    fs.closeSync(log);
    children.push(child);
    return child;
  };
  const base = {
    PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: logs,
    // Out of the cluster, the kubeconfig stands in for the in-cluster configuration, so that
    // Applications may name https://kubernetes.default.svc as their destination.
    ARGOCD_FAKE_IN_CLUSTER: 'true',
    ARGOCD_GPG_ENABLED: 'false',
    // No pause between sync waves (2 s by default, so that health is not read off a stale object
    // and hooks do not fire early): only argocd/ has waves, and it has no hooks; each wave is still
    // applied, and awaited healthy, before the next. The pauses were 11 s of each commit a test makes.
    ARGOCD_SYNC_WAVE_DELAY: '0',
    KUBECONFIG: options.kubeconfig,
    ...GO_RUNTIME_ENV,
  };
  const stop = async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await Promise.all(children.map(c => (c.exitCode === null ? new Promise(r => c.once('exit', r)) : undefined)));
    if (!options.keepLogs) fs.rmSync(logs, { recursive: true, force: true });
  };
  try {
    run('redis', 'redis-server', ['--port', String(redis), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { PATH: base.PATH });
    const common = ['--loglevel', 'info', '--redis', `127.0.0.1:${redis}`];
    const components: Component[] = [
      {
        name: 'argocd-repo-server', workload: 'argocd-repo-server',
        // Plain gRPC on loopback: no TLS, so no client CA either (its default path is in-cluster).
        args: [...common, '--port', String(repo), '--metrics-port', String(repoMetrics), '--disable-tls', '--client-ca-path='],
        ready: `http://127.0.0.1:${repoMetrics}/healthz`,
      },
      {
        name: 'argocd-application-controller', workload: 'argocd-application-controller',
        args: [...common, '--namespace', options.namespace, '--kubeconfig', options.kubeconfig, '--repo-server', `127.0.0.1:${repo}`, '--repo-server-plaintext', '--metrics-port', String(controllerMetrics)],
        ready: `http://127.0.0.1:${controllerMetrics}/healthz`,
      },
      {
        name: 'argocd-applicationset-controller', workload: 'argocd-applicationset-controller',
        args: ['--loglevel', 'info', '--namespace', options.namespace, '--kubeconfig', options.kubeconfig, '--argocd-repo-server', `127.0.0.1:${repo}`, '--repo-server-plaintext',
          '--metrics-addr', `127.0.0.1:${appsetMetrics}`, '--probe-addr', `127.0.0.1:${appsetProbe}`, '--webhook-addr', `127.0.0.1:${appsetWebhook}`],
        // Its probe endpoint registers no check (404): its metrics answer once it runs, as its
        // readiness probe in the install asks.
        ready: `http://127.0.0.1:${appsetMetrics}/metrics`,
      },
    ];
    for (const c of components) {
      const env = { ...environmentOf(options.installDir, c.workload), ...base, ARGOCD_BINARY_NAME: c.name };
      const child = run(c.name, path.join(bin, 'argocd'), c.args, env);
      if (c.ready) await waitHttp(c.ready, child, c.name, 60_000);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { logs, stop };
}
