/**
 * `npm run cluster:check -- [folder...] [--nodes N] [--keep]`: boots the test control plane
 * (real kube-apiserver, controller manager, scheduler, etcd; kwok nodes), applies the folders as
 * Argo CD would (default argocd/ then the dist/ apps its Applications and ApplicationSets select),
 * waits for every workload to roll out, and prints every refusal and warning with its file.
 * Exit codes: 0 all accepted and rolled out, 2 anything refused or warned about, 1 rollout
 * incomplete, crash or bad usage. Its nodes are simulated: it says what it did not check (images,
 * processes, probes) and what would.
 *
 * `npm run cluster:check -- --argocd [--keep]`: the same cluster, but the real Argo CD (built at
 * the pinned version) syncs the working tree's argocd/ and dist/ from a local git repository after
 * `npm run bootstrap`; prints each Application with its sync status, health and message.
 * Exit codes: 0 every Application Synced and every resource Healthy (but those whose health needs
 * what the cluster does not run, listed); 2 a refusal, a failed sync or an ApplicationSet error,
 * naming the file and the Application; 1 a timeout.
 */
import * as path from 'node:path';
import { PLATFORM_SETTINGS } from '../charts/platform';
import { formatFinding } from '../lib/cluster/apply';
import { argocdReport } from '../lib/cluster/argocd-report';
import { settledHealth, startArgoCdSync, waitForApplications } from '../lib/cluster/argocd-sync';
import { ControlPlane, startControlPlane } from '../lib/cluster/control-plane';
import { NodeShape } from '../lib/cluster/nodes';
import { NOT_CHECKED, closingLine } from '../lib/cluster/not-checked';
import { waitForRollouts } from '../lib/cluster/rollout';
import { declaredShape, syncFolders } from '../lib/cluster/sync';

const USAGE = 'usage: npm run cluster:check -- [folder...] [--nodes N] [--keep] | -- --argocd [--nodes N] [--keep]';

/** The working tree synced by the real Argo CD. */
async function checkWithArgoCd(cp: ControlPlane, shape: NodeShape, keep: boolean): Promise<number> {
  const root = process.cwd();
  const started = Date.now();
  const sync = await startArgoCdSync(cp, root, shape, { keepLogs: keep, log: line => console.log(`bootstrap: ${line}`) });
  try {
    console.log(`Argo CD running ${(sync.bootstrapMs / 1000).toFixed(1)} s after the bootstrap began; ${sync.declared.length} Applications declared`);
    const result = await waitForApplications(cp, sync, 600_000, started);
    const { apps, findings: health } = result.outcome === 'synced' ? await settledHealth(cp, sync) : { apps: result.apps, findings: [] };
    const report = argocdReport({ ...result, apps }, health, sync.declared, sync.git.tree);
    for (const line of report.lines) console.log(line);
    console.log(`${result.outcome === 'synced' ? `all ${apps.length} Applications Synced ${((result.syncedMs ?? 0) / 1000).toFixed(1)} s after the bootstrap began` : `stopped: ${result.outcome}`} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    for (const line of NOT_CHECKED) console.log(line);
    if (keep) console.log(`logs: ${cp.endpoint.dir} and ${sync.argocd.logs}`);
    return report.code;
  } finally {
    await sync.stop();
  }
}

async function main(argv: string[]): Promise<number> {
  const folders: string[] = [];
  let shape = declaredShape(PLATFORM_SETTINGS.capacity);
  let keep = false;
  let argocd = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--nodes') shape = { ...shape, count: Number(argv[++i]) };
    else if (argv[i] === '--keep') keep = true;
    else if (argv[i] === '--argocd') argocd = true;
    else if (argv[i].startsWith('--')) {
      console.error(`unknown flag ${argv[i]} (${USAGE})`);
      return 1;
    } else folders.push(path.resolve(argv[i]));
  }
  if (argocd && folders.length) {
    console.error(`--argocd syncs the working tree's argocd/ and dist/, so it takes no folders (${USAGE})`);
    return 1;
  }
  if (!folders.length) folders.push(path.resolve('argocd'), path.resolve('dist'));
  const started = Date.now();
  const cp = await startControlPlane({ keepLogs: keep });
  const stopAll = () => { void cp.stop().then(() => process.exit(130)); };
  process.once('SIGINT', stopAll);
  process.once('SIGTERM', stopAll);
  try {
    console.log(`control plane up in ${cp.endpoint.startMs} ms (${cp.endpoint.server}); ${shape.count} fake node(s) of ${shape.cpu} CPU / ${shape.memory}`);
    if (argocd) return await checkWithArgoCd(cp, shape, keep);
    const sync = await syncFolders(cp, folders, process.cwd(), shape);
    for (const f of sync.findings) console.log(formatFinding(f));
    const pending = await waitForRollouts(cp.client, sync.namespaces, 120_000);
    for (const p of pending) console.log(`NOT ROLLED OUT ${p}`);
    await sync.stop();
    const refused = sync.findings.filter(f => f.severity === 'refused').length;
    const warned = sync.findings.length - refused;
    console.log(closingLine(sync.applied, refused, warned, pending.length, (Date.now() - started) / 1000));
    for (const line of NOT_CHECKED) console.log(line);
    if (keep) console.log(`logs: ${cp.endpoint.dir}`);
    return sync.findings.length ? 2 : pending.length ? 1 : 0;
  } finally {
    await cp.stop();
  }
}

main(process.argv.slice(2)).then(code => { process.exitCode = code; }, err => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
