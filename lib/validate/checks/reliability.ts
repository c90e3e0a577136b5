import { isClusterScoped } from '../../k8s/scope';
import { STANDARD_LABEL_KEYS } from '../../k8s/labels';
import { ValidationContext, selects } from '../context';
import { EXEMPTION_PREFIX, exemptionsOf } from '../../rules/exemption';
import { Subject } from '../finding';
import { isRuleId } from '../../rules/rules';
import { isControllerKind } from '../../model/pods';
import type { KindMap } from '../../model/kube';
import type { Manifest } from '../../model/manifest';

const SERVER_SET_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'managedFields', 'selfLink'];

/** How many pods a PDB lets go at once for a workload of `replicas`. */
function allowedDisruptions(pdb: KindMap['PodDisruptionBudget'], replicas: number): number {
  const resolve = (v: number | string) => (typeof v === 'number' ? v : Math.ceil((replicas * parseInt(v, 10)) / 100));
  if (pdb.spec?.maxUnavailable !== undefined) return resolve(pdb.spec.maxUnavailable);
  if (pdb.spec?.minAvailable !== undefined) return replicas - resolve(pdb.spec.minAvailable);
  return 0;
}

function imageIsPinned(image: string): boolean {
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return true;
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  return colon > 0 && colon < last.length - 1 && last.slice(colon + 1) !== 'latest';
}

/** Replica count a workload runs with: fixed, or the minimum of the autoscaler that owns it. */
function replicasOf(ctx: ValidationContext, subject: Subject): number {
  const m = subject.manifest;
  const hpa = ctx.index.typedOfKind('HorizontalPodAutoscaler').map(([, object]) => object).find(object => {
    const ref = object.spec?.scaleTargetRef;
    return object.metadata.namespace === m.metadata.namespace && ref?.kind === m.kind && ref?.name === m.metadata.name;
  });
  if (hpa) return hpa.spec?.minReplicas ?? 1;
  return replicasField(m) ?? 1;
}

/** `spec.replicas` of a controller (a DaemonSet has none). */
const replicasField = (m: Manifest | undefined) => (m as { spec?: { replicas?: number } } | undefined)?.spec?.replicas;

/** Probes, resources, disruption budgets, spread, autoscalers, images, labels and hygiene. */
export function checkReliability(ctx: ValidationContext, isClusterScopedKind: (apiVersion: string, kind: string) => boolean = isClusterScoped): void {
  for (const subject of ctx.index.objects) {
    const m = subject.manifest;
    const template = ctx.index.podOf(subject)?.template;

    if (!isClusterScopedKind(m.apiVersion, m.kind) && (!m.metadata?.namespace || m.metadata.namespace === 'default')) {
      ctx.report(subject, 'namespace', m.metadata?.namespace ? 'lives in the default namespace' : 'has no namespace');
    }
    for (const rule of exemptionsOf(m.metadata?.annotations).keys()) {
      if (!isRuleId(rule)) ctx.report(subject, 'unknown-exemption', `${EXEMPTION_PREFIX}${rule}: no rule has the id "${rule}"; the ids are listed in docs/rules.md`);
    }
    const labels = m.metadata?.labels ?? {};
    const missing = STANDARD_LABEL_KEYS.filter(k => !labels[k]);
    if (missing.length) ctx.report(subject, 'standard-labels', `missing ${missing.join(', ')}`);
    if (m.status !== undefined) ctx.report(subject, 'server-fields', 'has a status');
    for (const field of SERVER_SET_METADATA) {
      if ((m.metadata as Record<string, unknown> | undefined)?.[field] !== undefined) ctx.report(subject, 'server-fields', `metadata.${field} is set by the API server`);
    }
    const secret = m as { data?: object; stringData?: object };
    if (m.kind === 'Secret' && (Object.keys(secret.data ?? {}).length || Object.keys(secret.stringData ?? {}).length)) {
      ctx.report(subject, 'secret-data', 'carries data; reference a Secret created outside git (ExternalSecret or pre-created) instead');
    }
    const job = m.kind === 'Job' ? ctx.index.typed(subject, 'Job') : undefined;
    if (job && job.spec?.ttlSecondsAfterFinished === undefined) ctx.report(subject, 'job-hygiene', 'spec.ttlSecondsAfterFinished is not set, so finished Jobs pile up');
    const cronJob = m.kind === 'CronJob' ? ctx.index.typed(subject, 'CronJob') : undefined;
    if (cronJob) {
      if (cronJob.spec?.startingDeadlineSeconds === undefined) ctx.report(subject, 'job-hygiene', 'spec.startingDeadlineSeconds is not set');
      if (cronJob.spec?.jobTemplate?.spec?.activeDeadlineSeconds === undefined) ctx.report(subject, 'job-hygiene', 'jobTemplate.spec.activeDeadlineSeconds is not set');
      if (cronJob.spec?.jobTemplate?.spec?.ttlSecondsAfterFinished === undefined) ctx.report(subject, 'job-hygiene', 'jobTemplate.spec.ttlSecondsAfterFinished is not set');
    }
    const hpa = m.kind === 'HorizontalPodAutoscaler' ? ctx.index.typed(subject, 'HorizontalPodAutoscaler') : undefined;
    if (hpa) {
      const min = hpa.spec?.minReplicas ?? 1;
      if (min < 2) ctx.report(subject, 'autoscaler', `minReplicas is ${min}; at least 2 keeps the app up while one pod restarts`);
      if (min === hpa.spec?.maxReplicas) ctx.report(subject, 'autoscaler', `minReplicas equals maxReplicas (${min}); use a fixed replica count`);
      const ref = hpa.spec?.scaleTargetRef;
      const target = ctx.index.find(ref?.kind as string, m.metadata?.namespace, ref?.name as string);
      if (replicasField(target?.manifest) !== undefined) ctx.report(subject, 'autoscaler', `its target ${ref?.kind}/${ref?.name} sets replicas, which fights the autoscaler`);
    }

    if (!template) continue;
    for (const c of [...(template.spec?.initContainers ?? []), ...(template.spec?.containers ?? [])]) {
      if (c.image && !imageIsPinned(c.image)) ctx.report(subject, 'image-tag', `container ${c.name} image ${c.image} is not pinned to a version`);
      const r = c.resources ?? {};
      const lacks = [!r.requests?.cpu && 'requests.cpu', !r.requests?.memory && 'requests.memory', !r.limits?.memory && 'limits.memory'].filter(Boolean);
      if (lacks.length) ctx.report(subject, 'resources', `container ${c.name} sets no ${lacks.join(', ')}`);
    }
    if (!isControllerKind(m.kind)) continue;
    for (const c of template.spec?.containers ?? []) {
      if (!c.readinessProbe) ctx.report(subject, 'readiness-probe', `container ${c.name} has no readiness probe`);
      else if (c.livenessProbe && JSON.stringify(c.livenessProbe) === JSON.stringify(c.readinessProbe)) {
        ctx.report(subject, 'readiness-probe', `container ${c.name} has identical readiness and liveness probes: a slow pod is restarted instead of taken out of rotation`);
      }
    }
    if (m.kind === 'DaemonSet') continue;
    const replicas = replicasOf(ctx, subject);
    if (replicas < 2) continue;
    const pdbs = ctx.index.typedOfKind('PodDisruptionBudget').map(([, p]) => p).filter(p => p.metadata.namespace === m.metadata.namespace && selects(p.spec?.selector?.matchLabels, template.metadata?.labels));
    if (pdbs.length === 0) ctx.report(subject, 'disruption-budget', `runs ${replicas} replicas without a PodDisruptionBudget`);
    else if (!pdbs.some(p => allowedDisruptions(p, replicas) >= 1)) ctx.report(subject, 'disruption-budget', 'its PodDisruptionBudget allows no disruption, which blocks node drains');
    if (!template.spec?.topologySpreadConstraints?.length && !template.spec?.affinity?.podAntiAffinity) {
      ctx.report(subject, 'spread', `runs ${replicas} replicas with no topology spread or pod anti-affinity`);
    }
  }
}
