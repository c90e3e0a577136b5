import { ValidationContext } from '../../context';
import { Subject } from '../../finding';
import { asKind } from '../../../model/kube';
import { containersAt } from './fields';

// resource.Quantity's grammar (k8s.io/apimachinery): a signed decimal and a binary, decimal or exponent suffix.
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

function checkMap(ctx: ValidationContext, subject: Subject, path: string, values: Record<string, unknown> | undefined): void {
  for (const [name, value] of Object.entries(values ?? {})) {
    if (typeof value === 'number' ? !Number.isFinite(value) : !(typeof value === 'string' && QUANTITY.test(value))) {
      ctx.report(subject, 'api.quantity', `${path}.${name}: ${JSON.stringify(value)} is not a quantity (e.g. 500m, 128Mi, 1Gi)`);
    }
    if (/^-/.test(String(value))) ctx.report(subject, 'api.quantity', `${path}.${name}: ${value} must be non-negative`);
  }
}

const LIMIT_FIELDS = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const;

/** Every resource quantity the API server parses: containers, claims, quotas and limit ranges. */
export function checkQuantities(ctx: ValidationContext): void {
  for (const subject of ctx.index.objects) {
    const m = subject.manifest;
    const template = ctx.index.podOf(subject)?.template;
    for (const { container, path } of template?.spec ? containersAt(subject, template.spec) : []) {
      checkMap(ctx, subject, `${path}.resources.requests`, container.resources?.requests);
      checkMap(ctx, subject, `${path}.resources.limits`, container.resources?.limits);
    }
    // By kind alone, whatever the API version (the schema check reports a wrong one).
    if (m.kind === 'PersistentVolumeClaim') checkMap(ctx, subject, 'spec.resources.requests', asKind(m, 'PersistentVolumeClaim')?.spec?.resources?.requests);
    if (m.kind === 'StatefulSet') {
      (asKind(m, 'StatefulSet')?.spec?.volumeClaimTemplates ?? []).forEach((claim, i) => checkMap(ctx, subject, `spec.volumeClaimTemplates[${i}].spec.resources.requests`, claim.spec?.resources?.requests));
    }
    if (m.kind === 'ResourceQuota') checkMap(ctx, subject, 'spec.hard', asKind(m, 'ResourceQuota')?.spec?.hard);
    if (m.kind === 'LimitRange') {
      (asKind(m, 'LimitRange')?.spec?.limits ?? []).forEach((limit, i) => {
        for (const field of LIMIT_FIELDS) checkMap(ctx, subject, `spec.limits[${i}].${field}`, limit[field]);
      });
    }
  }
}
