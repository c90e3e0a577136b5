import { ValidationContext } from '../../context';

// Which source field each metric type needs.
const SOURCES: Record<string, string> = { Resource: 'resource', ContainerResource: 'containerResource', Pods: 'pods', Object: 'object', External: 'external' };

/** HorizontalPodAutoscaler metrics and scaling behavior, beyond the replica bounds. */
export function checkAutoscalerMetrics(ctx: ValidationContext): void {
  for (const [subject, object] of ctx.index.typedOfKind('HorizontalPodAutoscaler')) {
    const spec = object.spec;
    const report = (message: string) => ctx.report(subject, 'api.hpa-metrics', message);
    (spec?.metrics ?? []).forEach((written, i) => {
      // Read by the name its type gives the source field, as the API server does.
      const metric = written as unknown as Record<string, { target?: { type?: string; averageUtilization?: number } } | undefined> & { type: string };
      const at = `spec.metrics[${i}]`;
      const source = SOURCES[metric.type];
      if (!source) return;
      if (!metric[source]) report(`${at}.${source}: required when type is ${metric.type}`);
      for (const other of Object.values(SOURCES)) if (other !== source && metric[other]) report(`${at}.${other}: must not be set when type is ${metric.type}`);
      const target = metric[source]?.target;
      if (target?.averageUtilization !== undefined && target.averageUtilization < 1) report(`${at}.${source}.target.averageUtilization: ${target.averageUtilization} must be at least 1`);
      if (target?.type === 'Utilization' && target.averageUtilization === undefined) report(`${at}.${source}.target.averageUtilization: required when target type is Utilization`);
    });
    for (const direction of ['scaleUp', 'scaleDown'] as const) {
      const rules = spec?.behavior?.[direction];
      if (!rules) continue;
      const at = `spec.behavior.${direction}`;
      const window = rules.stabilizationWindowSeconds;
      if (window !== undefined && (window < 0 || window > 3600)) report(`${at}.stabilizationWindowSeconds: ${window} must be between 0 and 3600`);
      (rules.policies ?? []).forEach((policy, i) => {
        if (!(policy.value > 0)) report(`${at}.policies[${i}].value: ${policy.value} must be greater than 0`);
        if (!(policy.periodSeconds > 0 && policy.periodSeconds <= 1800)) report(`${at}.policies[${i}].periodSeconds: ${policy.periodSeconds} must be between 1 and 1800`);
      });
    }
  }
}
