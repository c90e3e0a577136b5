import { ValidationContext } from '../../context';
import { Subject } from '../../finding';

function checkClaimSpec(ctx: ValidationContext, subject: Subject, path: string, spec: any): void {
  if (!spec?.accessModes?.length && !spec?.dataSourceRef && !spec?.dataSource) ctx.report(subject, 'api.claims', `${path}.accessModes: at least one access mode is required`);
  if (spec?.resources?.requests?.storage === undefined) ctx.report(subject, 'api.claims', `${path}.resources.requests.storage: required`);
}

/** PersistentVolumeClaims and StatefulSet claim templates: an access mode and a storage request. */
export function checkClaims(ctx: ValidationContext): void {
  for (const subject of ctx.ofKind('PersistentVolumeClaim')) checkClaimSpec(ctx, subject, 'spec', (subject.manifest as any).spec);
  for (const subject of ctx.ofKind('StatefulSet')) {
    ((subject.manifest as any).spec?.volumeClaimTemplates ?? []).forEach((claim: any, i: number) => checkClaimSpec(ctx, subject, `spec.volumeClaimTemplates[${i}].spec`, claim.spec));
  }
}
