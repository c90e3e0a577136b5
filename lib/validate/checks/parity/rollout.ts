import { ValidationContext } from '../../context';
import { Subject } from '../../finding';
import { intOrPercent } from './fields';

interface RollingUpdate { readonly maxSurge?: number | string; readonly maxUnavailable?: number | string }

/** maxSurge and maxUnavailable of a rolling update: one of them must let the rollout move. */
function checkRollingUpdate(ctx: ValidationContext, subject: Subject, path: string, update: RollingUpdate | undefined): void {
  if (!update) return;
  const surge = intOrPercent(update.maxSurge);
  const unavailable = intOrPercent(update.maxUnavailable);
  for (const [field, value] of [['maxSurge', surge], ['maxUnavailable', unavailable]] as const) {
    if (value && value.n < 0) ctx.report(subject, 'api.rollout-strategy', `${path}.${field}: ${value.n}${value.percent ? '%' : ''} must be non-negative`);
  }
  if (unavailable?.percent && unavailable.n > 100) ctx.report(subject, 'api.rollout-strategy', `${path}.maxUnavailable: ${unavailable.n}% must not be greater than 100%`);
  // Defaults are 25% (Deployment) and 0 / 1 (DaemonSet surge / unavailable): only explicit zeros on both sides deadlock.
  if (surge?.n === 0 && unavailable?.n === 0) ctx.report(subject, 'api.rollout-strategy', `${path}: maxSurge and maxUnavailable are both 0, so the rollout could never replace a pod (the API server requires one of them above 0)`);
}

/** Deployment and DaemonSet rolling updates, and PodDisruptionBudget budgets. */
export function checkRollouts(ctx: ValidationContext): void {
  for (const [subject, object] of ctx.index.typedOfKind('Deployment')) {
    const strategy = object.spec?.strategy;
    if (strategy?.type === 'Recreate' && strategy.rollingUpdate) ctx.report(subject, 'api.rollout-strategy', 'spec.strategy.rollingUpdate: may not be set when spec.strategy.type is Recreate');
    checkRollingUpdate(ctx, subject, 'spec.strategy.rollingUpdate', strategy?.rollingUpdate);
  }
  for (const [subject, object] of ctx.index.typedOfKind('StatefulSet')) {
    const strategy = object.spec?.updateStrategy;
    const update = strategy?.rollingUpdate;
    if (strategy?.type === 'OnDelete' && update) ctx.report(subject, 'api.rollout-strategy', 'spec.updateStrategy.rollingUpdate: may not be set when spec.updateStrategy.type is OnDelete');
    if (typeof update?.partition === 'number' && update.partition < 0) ctx.report(subject, 'api.rollout-strategy', `spec.updateStrategy.rollingUpdate.partition: ${update.partition} must be non-negative`);
    const unavailable = intOrPercent(update?.maxUnavailable);
    if (unavailable && unavailable.n < 1) ctx.report(subject, 'api.rollout-strategy', `spec.updateStrategy.rollingUpdate.maxUnavailable: ${update?.maxUnavailable} must be greater than 0`);
  }
  for (const [subject, object] of ctx.index.typedOfKind('DaemonSet')) {
    const update = object.spec?.updateStrategy?.rollingUpdate;
    // A DaemonSet's maxUnavailable defaults to 1 only when unset; maxSurge to 0.
    if (update) checkRollingUpdate(ctx, subject, 'spec.updateStrategy.rollingUpdate', { maxSurge: 0, ...update, ...(update.maxUnavailable === undefined ? { maxUnavailable: 1 } : {}) });
  }
  for (const [subject, object] of ctx.index.typedOfKind('PodDisruptionBudget')) {
    const spec = object.spec ?? {};
    if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
      ctx.report(subject, 'api.pdb-budget', 'spec: minAvailable and maxUnavailable cannot be both set');
    }
    for (const field of ['minAvailable', 'maxUnavailable'] as const) {
      const value = intOrPercent(spec[field]);
      if (value && value.n < 0) ctx.report(subject, 'api.pdb-budget', `spec.${field}: ${spec[field]} must be non-negative`);
      if (value?.percent && value.n > 100) ctx.report(subject, 'api.pdb-budget', `spec.${field}: ${spec[field]} must not be greater than 100%`);
    }
  }
}
