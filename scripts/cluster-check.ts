/**
 * `npm run cluster:check -- [folder...] [--nodes N] [--keep]`: boots the test control plane
 * (real kube-apiserver, controller manager, scheduler, etcd; kwok nodes), applies the folders as
 * Argo CD would (default argocd/ then the dist/ apps its ApplicationSets select), waits for every
 * workload to roll out, and prints every refusal and warning with its file.
 * Exit codes: 0 all accepted and rolled out, 2 anything refused or warned about, 1 rollout
 * incomplete, crash or bad usage.
 */
import * as path from 'node:path';
import { PLATFORM_SETTINGS } from '../charts/platform';
import { formatFinding } from '../lib/cluster/apply';
import { startControlPlane } from '../lib/cluster/control-plane';
import { waitForRollouts } from '../lib/cluster/rollout';
import { declaredShape, syncFolders } from '../lib/cluster/sync';

async function main(argv: string[]): Promise<number> {
  const folders: string[] = [];
  let shape = declaredShape(PLATFORM_SETTINGS.capacity);
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--nodes') shape = { ...shape, count: Number(argv[++i]) };
    else if (argv[i] === '--keep') keep = true;
    else if (argv[i].startsWith('--')) {
      console.error(`unknown flag ${argv[i]} (usage: npm run cluster:check -- [folder...] [--nodes N] [--keep])`);
      return 1;
    } else folders.push(path.resolve(argv[i]));
  }
  if (!folders.length) folders.push(path.resolve('argocd'), path.resolve('dist'));
  const started = Date.now();
  const cp = await startControlPlane({ keepLogs: keep });
  const stopAll = () => { void cp.stop().then(() => process.exit(130)); };
  process.once('SIGINT', stopAll);
  process.once('SIGTERM', stopAll);
  try {
    console.log(`control plane up in ${cp.endpoint.startMs} ms (${cp.endpoint.server}); ${shape.count} fake node(s) of ${shape.cpu} CPU / ${shape.memory}`);
    const sync = await syncFolders(cp, folders, process.cwd(), shape);
    for (const f of sync.findings) console.log(formatFinding(f));
    const pending = await waitForRollouts(cp.client, sync.namespaces, 120_000);
    for (const p of pending) console.log(`NOT ROLLED OUT ${p}`);
    await sync.stop();
    const refused = sync.findings.filter(f => f.severity === 'refused').length;
    const warned = sync.findings.length - refused;
    console.log(`${sync.applied} objects applied: ${refused} refused, ${warned} warning(s), ${pending.length} workload(s) not rolled out (${((Date.now() - started) / 1000).toFixed(1)} s)`);
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
