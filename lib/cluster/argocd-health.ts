import type { PodOf } from '../model/object-index';
import { AppStatus } from './argocd-status';
import { readIndex } from './sources';

/**
 * Kinds whose health Argo CD reads from a component the tests' cluster does not run, and why:
 * kwok only pretends to run pods, so no operator reconciles what it owns, and there is no
 * metrics-server. Everything else must be Healthy.
 */
export const UNCHECKED_HEALTH: readonly { readonly group: string; readonly kind: string; readonly because: string }[] = [
  { group: 'cert-manager.io', kind: 'Certificate', because: 'cert-manager does not run: no certificate is issued' },
  { group: 'cert-manager.io', kind: 'ClusterIssuer', because: 'cert-manager does not run: no ACME account is registered' },
  { group: 'cert-manager.io', kind: 'Issuer', because: 'cert-manager does not run' },
  { group: 'external-secrets.io', kind: 'ExternalSecret', because: 'external-secrets does not run, and there is no secret store to read' },
  { group: 'external-secrets.io', kind: 'ClusterSecretStore', because: 'external-secrets does not run, so no store is validated' },
  { group: 'external-secrets.io', kind: 'SecretStore', because: 'external-secrets does not run, so no store is validated' },
  { group: 'postgresql.cnpg.io', kind: 'Cluster', because: 'the CloudNativePG operator does not run, so no cluster reports its state' },
  { group: 'autoscaling', kind: 'HorizontalPodAutoscaler', because: 'there is no metrics-server (K3s runs one), so the autoscaler reads no CPU use' },
];

/** The claims a pod template mounts. */
function claimsOf(pod: PodOf): string[] {
  return pod.volumes.flatMap(v => (v.persistentVolumeClaim?.claimName ? [v.persistentVolumeClaim.claimName] : []));
}

/**
 * Claims that only CronJobs mount, by `<namespace>/<name>`: with WaitForFirstConsumer (K3s's
 * local-path) they stay Pending, and Argo CD calls them Progressing, until the first run.
 */
export function cronJobOnlyClaims(apps: { folder: string; namespace: string }[]): Set<string> {
  const out = new Set<string>();
  for (const app of apps) {
    const { pods } = readIndex(app.folder);
    // Narrower than the model's pod kinds on purpose: only a controller's pods run (and bind a claim) at sync.
    const byPods = new Set(pods.filter(p => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(p.object.manifest.kind)).flatMap(claimsOf));
    for (const claim of pods.filter(p => p.object.manifest.kind === 'CronJob').flatMap(claimsOf)) if (!byPods.has(claim)) out.add(`${app.namespace}/${claim}`);
  }
  return out;
}

/** One resource whose health was not Healthy. */
export interface HealthFinding {
  readonly app: string;
  readonly resource: string;
  readonly health: string;
  readonly message: string;
  /** Why it is not a failure here, when it is not. */
  readonly unchecked?: string;
}

/** Every resource of every Application (Applications aside: they are judged by their own) that is not Healthy. */
export function healthFindings(apps: AppStatus[], cronJobClaims: Set<string>): HealthFinding[] {
  const out: HealthFinding[] = [];
  for (const app of apps) {
    for (const r of app.resources) {
      if (!r.health || r.health === 'Healthy' || (r.group === 'argoproj.io' && r.kind === 'Application')) continue;
      const known = UNCHECKED_HEALTH.find(u => u.group === r.group && u.kind === r.kind);
      const claim = r.kind === 'PersistentVolumeClaim' && r.group === '' && cronJobClaims.has(`${r.namespace}/${r.name}`)
        ? 'only a CronJob mounts it: it binds at the first run' : undefined;
      out.push({
        app: app.name,
        resource: `${r.group ? `${r.group}/` : ''}${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`,
        health: r.health,
        message: r.healthMessage ?? '',
        unchecked: known?.because ?? claim,
      });
    }
  }
  return out;
}
