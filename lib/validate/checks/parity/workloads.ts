import { ValidationContext } from '../../context';
import { podSpecPath } from './fields';
import { isControllerKind } from '../../../model/pods';

const COUNTS = ['replicas', 'minReadySeconds', 'revisionHistoryLimit'];
// What each controller lets its pods' restartPolicy be.
const RESTART_POLICIES: Record<string, string[]> = {
  Deployment: ['Always'], StatefulSet: ['Always'], DaemonSet: ['Always'], ReplicaSet: ['Always'],
  Job: ['OnFailure', 'Never'], CronJob: ['OnFailure', 'Never'],
};

/** Replica counts and deadlines, and the restart policy each controller accepts for its pods. */
export function checkWorkloads(ctx: ValidationContext): void {
  for (const subject of ctx.index.objects) {
    const m = subject.manifest;
    // The fields every controller's spec shares, read by name.
    const spec = (m as { spec?: Record<string, unknown> & { minReadySeconds?: number } }).spec;
    if (isControllerKind(m.kind)) {
      for (const field of COUNTS) {
        const value = spec?.[field];
        if (typeof value === 'number' && value < 0) ctx.report(subject, 'api.workload-counts', `spec.${field}: ${value} must be non-negative`);
      }
      const deadline = spec?.progressDeadlineSeconds;
      if (m.kind === 'Deployment' && typeof deadline === 'number' && deadline <= (spec?.minReadySeconds ?? 0)) {
        ctx.report(subject, 'api.workload-counts', `spec.progressDeadlineSeconds: ${deadline} must be greater than spec.minReadySeconds (${spec?.minReadySeconds ?? 0})`);
      }
    }
    const allowed = RESTART_POLICIES[m.kind];
    const policy = ctx.index.podOf(subject)?.template?.spec?.restartPolicy;
    // Unset is defaulted to Always, which Jobs refuse: their pods must say OnFailure or Never.
    const effective = policy ?? 'Always';
    if (allowed && !allowed.includes(effective)) {
      ctx.report(subject, 'api.restart-policy', `${podSpecPath(m.kind)}.restartPolicy: ${policy === undefined ? 'unset (Always)' : `"${policy}"`} is not allowed for a ${m.kind}; use ${allowed.join(' or ')}`);
    }
  }
}
