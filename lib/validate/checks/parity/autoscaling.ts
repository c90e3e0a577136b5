import { ValidationContext } from '../../context';

/** HorizontalPodAutoscaler replica bounds, as the API server validates them (minReplicas defaults to 1). */
export function checkAutoscalers(ctx: ValidationContext): void {
  for (const [subject, object] of ctx.index.typedOfKind('HorizontalPodAutoscaler')) {
    const min = object.spec?.minReplicas ?? 1;
    const max: number | undefined = object.spec?.maxReplicas;
    if (min < 1) ctx.report(subject, 'api.hpa-replicas', `spec.minReplicas: ${min} must be at least 1`);
    if (typeof max === 'number' && max < 1) ctx.report(subject, 'api.hpa-replicas', `spec.maxReplicas: ${max} must be at least 1`);
    else if (typeof max === 'number' && max < min) ctx.report(subject, 'api.hpa-replicas', `spec.maxReplicas: ${max} must be greater than or equal to spec.minReplicas (${min})`);
  }
}
