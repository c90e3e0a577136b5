import { ValidationContext, podTemplateOf } from '../../context';
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
  for (const subject of ctx.subjects) {
    const m = subject.manifest as any;
    if (isControllerKind(m.kind)) {
      for (const field of COUNTS) {
        if (typeof m.spec?.[field] === 'number' && m.spec[field] < 0) ctx.report(subject, 'api.workload-counts', `spec.${field}: ${m.spec[field]} must be non-negative`);
      }
      const deadline = m.spec?.progressDeadlineSeconds;
      if (m.kind === 'Deployment' && typeof deadline === 'number' && deadline <= (m.spec?.minReadySeconds ?? 0)) {
        ctx.report(subject, 'api.workload-counts', `spec.progressDeadlineSeconds: ${deadline} must be greater than spec.minReadySeconds (${m.spec?.minReadySeconds ?? 0})`);
      }
    }
    const allowed = RESTART_POLICIES[m.kind];
    const policy = podTemplateOf(subject)?.spec?.restartPolicy;
    // Unset is defaulted to Always, which Jobs refuse: their pods must say OnFailure or Never.
    const effective = policy ?? 'Always';
    if (allowed && !allowed.includes(effective)) {
      ctx.report(subject, 'api.restart-policy', `${podSpecPath(m.kind)}.restartPolicy: ${policy === undefined ? 'unset (Always)' : `"${policy}"`} is not allowed for a ${m.kind}; use ${allowed.join(' or ')}`);
    }
  }
}
