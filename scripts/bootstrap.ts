/**
 * `npm run bootstrap -- --context <kube-context>`: installs Argo CD from dist/ into the cluster of
 * that kubectl context and applies the root Application, after which Argo CD manages itself and
 * everything in argocd/ and dist/. Safe to run again. Needs kubectl.
 * Exit codes: 0 bootstrapped; 2 bad usage, or what is synthesized cannot be bootstrapped; 1 kubectl failed.
 */
import { BootstrapError, bootstrap } from '../lib/cluster/bootstrap';
import { REPO_ROOT } from '../lib/paths';

const USAGE = 'usage: npm run bootstrap -- --context <kube-context>';

function main(argv: string[]): number {
  const at = argv.indexOf('--context');
  const context = at >= 0 ? argv[at + 1] : undefined;
  if (!context || context.startsWith('--') || argv.length !== 2) {
    console.error(`${argv.length ? `unexpected arguments: ${argv.join(' ')}; ` : ''}${USAGE}`);
    return 2;
  }
  try {
    const plan = bootstrap(REPO_ROOT, context, line => console.log(`bootstrap: ${line}`));
    console.log(`Argo CD runs in namespace ${plan.namespace} and syncs argocd/ from now on; watch it with: kubectl --context ${context} -n ${plan.namespace} get applications`);
    return 0;
  } catch (error) {
    if (!(error instanceof BootstrapError)) throw error;
    console.error(error.message);
    return /^kubectl /.test(error.message) ? 1 : 2;
  }
}

process.exitCode = main(process.argv.slice(2));
