import { ValidationContext } from '../../context';
import { Subject } from '../../finding';
import type { IPersistentVolumeClaimSpec } from 'kubernetes-models/v1/PersistentVolumeClaimSpec';

function checkClaimSpec(ctx: ValidationContext, subject: Subject, path: string, spec: IPersistentVolumeClaimSpec | undefined): void {
  if (!spec?.accessModes?.length && !spec?.dataSourceRef && !spec?.dataSource) ctx.report(subject, 'api.claims', `${path}.accessModes: at least one access mode is required`);
  if (spec?.resources?.requests?.storage === undefined) ctx.report(subject, 'api.claims', `${path}.resources.requests.storage: required`);
}

/** PersistentVolumeClaims and StatefulSet claim templates: an access mode and a storage request. */
export function checkClaims(ctx: ValidationContext): void {
  for (const [subject, object] of ctx.index.typedOfKind('PersistentVolumeClaim')) checkClaimSpec(ctx, subject, 'spec', object.spec);
  for (const [subject, object] of ctx.index.typedOfKind('StatefulSet')) {
    (object.spec?.volumeClaimTemplates ?? []).forEach((claim, i) => checkClaimSpec(ctx, subject, `spec.volumeClaimTemplates[${i}].spec`, claim.spec));
  }
}
