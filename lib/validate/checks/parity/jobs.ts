import { ValidationContext } from '../../context';
import { Subject } from '../../finding';
import type { ICronJobSpec } from 'kubernetes-models/batch/v1/CronJobSpec';
import type { IJobSpec } from 'kubernetes-models/batch/v1/JobSpec';
import { cronScheduleError, isTimeZone } from './cron';

const NON_NEGATIVE = ['completions', 'parallelism', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes'];

function checkJobSpec(ctx: ValidationContext, subject: Subject, job: IJobSpec | undefined, path: string): void {
  if (!job) return;
  const spec = job as IJobSpec & Record<string, unknown>;
  for (const field of NON_NEGATIVE) {
    if (typeof spec[field] === 'number' && spec[field] < 0) ctx.report(subject, 'api.job-counts', `${path}.${field}: ${spec[field]} must be non-negative`);
  }
  if (typeof spec.activeDeadlineSeconds === 'number' && spec.activeDeadlineSeconds < 1) ctx.report(subject, 'api.job-counts', `${path}.activeDeadlineSeconds: ${spec.activeDeadlineSeconds} must be at least 1`);
  if (spec.completionMode === 'Indexed' && spec.completions === undefined) ctx.report(subject, 'api.job-counts', `${path}.completions: required when completionMode is Indexed`);
}

/** Jobs' counts and deadlines; CronJobs' schedule, time zone and history limits. */
export function checkJobs(ctx: ValidationContext): void {
  for (const [subject, object] of ctx.index.typedOfKind('Job')) checkJobSpec(ctx, subject, object.spec, 'spec');
  for (const [subject, object] of ctx.index.typedOfKind('CronJob')) {
    const spec = (object.spec ?? {}) as Partial<ICronJobSpec> & Record<string, unknown>;
    checkJobSpec(ctx, subject, spec.jobTemplate?.spec, 'spec.jobTemplate.spec');
    const error = typeof spec.schedule === 'string' ? cronScheduleError(spec.schedule) : 'is required';
    if (error) ctx.report(subject, 'api.cron-schedule', `spec.schedule: "${spec.schedule ?? ''}" ${error.startsWith('is ') ? error : `is not a valid cron schedule: ${error}`}`);
    if (spec.timeZone !== undefined && !isTimeZone(spec.timeZone)) ctx.report(subject, 'api.cron-schedule', `spec.timeZone: "${spec.timeZone}" is not a time zone of the IANA database`);
    for (const field of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) {
      if (typeof spec[field] === 'number' && spec[field] < 0) ctx.report(subject, 'api.job-counts', `spec.${field}: ${spec[field]} must be non-negative`);
    }
  }
}
