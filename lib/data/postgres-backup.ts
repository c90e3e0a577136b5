import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { Resolved, resolveProps } from '../config';
import { fail } from '../errors';
import { IMAGES } from '../images';
import { monitorPostgresDump } from '../monitoring/data-alerts';
import { EnvValue } from '../k8s/env';
import { ComponentIdentity, standardLabels } from '../k8s/labels';
import { assertDnsLabel } from '../k8s/names';
import { Volume } from '../k8s/volume';
import { AppChart } from '../platform/app-chart';
import { externalConnection } from '../platform/connections';
import { Platform } from '../platform/platform';
import { externalSecret } from '../secrets/external-secret';
import { VolumeClaim } from '../storage/volume-claim';
import { renderPodTemplate } from '../workloads/pod';
import { ResourcesProps } from '../workloads/resources';
import { OFFSITE_CREDENTIALS_DIR, OFFSITE_SCRIPT, OffsiteCopyOptions, OFFSITE_COPY_DEFAULTS, planOffsiteCopy } from './offsite-copy';
import type { SecretKeyRef } from '../k8s/secret-key-ref';

/** Every default of `PostgresBackup`; its props' `@default`s name these values (seed 004's nightly dump). */
export const POSTGRES_BACKUP_DEFAULTS = {
  /** Daily at 03:00. */
  schedule: '0 3 * * *',
  timeZone: 'Etc/UTC',
  retentionDays: 30,
  timeout: Duration.hours(1),
  image: IMAGES.postgres16,
  /** The Alpine images' postgres user. */
  uid: 70,
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } } as ResourcesProps,
};

/** The database a backup reads, and how to log in. */
export interface DumpSource {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly passwordSecret: SecretKeyRef;
}

export interface PostgresBackupProps {
  /** The database to dump. */
  readonly source: DumpSource;
  /** Name of the CronJob, its script ConfigMap and its volume claim. @default `<source>-backup` */
  readonly name?: string;
  /** Kubernetes cron (5 fields) in `timeZone`. @default POSTGRES_BACKUP_DEFAULTS.schedule ('0 3 * * *', daily at 03:00) */
  readonly schedule?: string;
  /** @default POSTGRES_BACKUP_DEFAULTS.timeZone ('Etc/UTC') */
  readonly timeZone?: string;
  /** Days a dump is kept; the job deletes older ones after a successful dump. @default POSTGRES_BACKUP_DEFAULTS.retentionDays (30, seed 004) */
  readonly retentionDays?: number;
  /** Size of the volume the dumps are written to. */
  readonly storageSize: string;
  /** @default - the cluster's default storage class */
  readonly storageClassName?: string;
  /** Must have the server's pg_dump major version (or newer). @default POSTGRES_BACKUP_DEFAULTS.image (IMAGES.postgres16) */
  readonly image?: string;
  /** UID of the image's postgres user. @default POSTGRES_BACKUP_DEFAULTS.uid (70, the Alpine images) */
  readonly uid?: number;
  /** @default POSTGRES_BACKUP_DEFAULTS.resources (requests 100m / 128Mi, limits 1 / 512Mi) */
  readonly resources?: ResourcesProps;
  /** The job fails (and PostgresDumpFailing fires) when a dump takes longer. @default POSTGRES_BACKUP_DEFAULTS.timeout (1 hour) */
  readonly timeout?: Duration;
  /**
   * After each dump, copy the dumps to a remote (S3-compatible bucket or SFTP) with rclone and
   * delete the remote's dumps older than its retention (seed 004: 90 days offsite).
   * @default - none: the dumps stay on the volume
   */
  readonly offsite?: OffsiteCopyOptions;
}

/**
 * The backup job's script: a custom-format pg_dump into `$BACKUP_DIR`, written under a temporary
 * name and renamed when complete, then every dump of the database older than `$RETENTION_DAYS`
 * days removed. A failed dump exits non-zero before anything is removed. POSIX sh (busybox).
 */
export const BACKUP_SCRIPT = `#!/bin/sh
set -eu
: "\${PGDATABASE:?}" "\${BACKUP_DIR:?}" "\${RETENTION_DAYS:?}"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
file="$BACKUP_DIR/$PGDATABASE-$stamp.dump"
pg_dump --format=custom --no-password --file="$file.partial"
mv "$file.partial" "$file"
echo "backup: wrote $file ($(wc -c < "$file") bytes)"
# Dumps older than the retention, and partial files left by interrupted runs.
find "$BACKUP_DIR" -maxdepth 1 -type f -name "$PGDATABASE-*.dump" -mmin +$((RETENTION_DAYS * 1440)) -print -exec rm -f {} +
find "$BACKUP_DIR" -maxdepth 1 -type f -name "$PGDATABASE-*.dump.partial" -mmin +1440 -exec rm -f {} +
echo "backup: $(find "$BACKUP_DIR" -maxdepth 1 -type f -name "$PGDATABASE-*.dump" | wc -l) dump(s) kept"
`;

const SCRIPTS_DIR = '/scripts';
const FIVE_FIELD_CRON = /^\S+( \S+){4}$/;

/**
 * Daily logical backups of single-instance PostgreSQL (seed 004): a CronJob running pg_dump onto
 * its own volume claim (kept by Argo CD on prune and delete), retention enforced by the job itself.
 * With `offsite`, the dump runs as an init container and rclone then copies the dumps to the
 * remote; either failing fails the Job.
 */
export class PostgresBackup extends Construct {
  public readonly name: string;
  public readonly identity: ComponentIdentity;
  public readonly retentionDays: number;
  public readonly claim: VolumeClaim;
  public readonly cronJob: k8s.KubeCronJob;
  /** Days a dump is kept on the remote, when there is an offsite copy. */
  public readonly offsiteRetentionDays?: number;

  constructor(scope: Construct, id: string, props: PostgresBackupProps) {
    super(scope, id);
    const p = resolveProps(POSTGRES_BACKUP_DEFAULTS, props);
    const source = p.source;
    this.name = assertDnsLabel(this, 'name', p.name ?? `${source.name}-backup`);
    this.identity = { name: this.name, app: AppChart.of(this).appName, component: 'backup' };
    this.retentionDays = p.retentionDays;
    if (!Number.isInteger(this.retentionDays) || this.retentionDays < 1) {
      fail(this, 'retentionDays', `must be a whole number of days, at least 1 (got ${this.retentionDays})`);
    }
    if (!FIVE_FIELD_CRON.test(p.schedule)) fail(this, 'schedule', `"${p.schedule}" is not a 5-field cron expression`);
    const labels = standardLabels(this.identity);

    this.claim = new VolumeClaim(this, 'Claim', {
      name: this.name,
      size: p.storageSize,
      storageClassName: p.storageClassName,
      owner: this.identity,
    });
    const dumpEnv = {
      PGHOST: source.host,
      PGPORT: String(source.port),
      PGDATABASE: source.database,
      PGUSER: source.user,
      PGPASSWORD: EnvValue.fromSecret(source.passwordSecret.name, source.passwordSecret.key),
      BACKUP_DIR: '/backups',
      RETENTION_DAYS: String(this.retentionDays),
    };
    const scripts = Volume.configMap('scripts', this.name);
    const tmp = Volume.emptyDir('tmp');
    const dump = {
      name: 'pg-dump',
      image: p.image,
      command: ['sh', `${SCRIPTS_DIR}/backup.sh`],
      env: dumpEnv,
      mounts: [
        { volume: scripts, path: SCRIPTS_DIR, readOnly: true },
        { volume: this.claim.volume('backups'), path: '/backups' },
        { volume: tmp, path: '/tmp' },
      ],
      resources: p.resources,
    };
    const offsite = p.offsite && this.offsiteCopy(resolveProps(OFFSITE_COPY_DEFAULTS, p.offsite), dumpEnv, scripts, tmp);
    this.offsiteRetentionDays = offsite?.retentionDays;

    new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: { name: this.name, labels },
      data: { 'backup.sh': BACKUP_SCRIPT, ...offsite?.files },
    });

    monitorPostgresDump(this, { namespace: AppChart.of(this).namespace, service: source.name, cronJob: this.name });

    this.cronJob = new k8s.KubeCronJob(this, 'CronJob', {
      metadata: { name: this.name, labels },
      spec: {
        schedule: p.schedule,
        timeZone: p.timeZone,
        // Never two dumps at once; a run missed by more than an hour waits for the next day.
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels },
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: p.timeout.toSeconds(),
            // Finished Jobs go after 3 days; their logs are in Loki.
            ttlSecondsAfterFinished: Duration.days(3).toSeconds(),
            template: withRestartPolicy(renderPodTemplate(this, labels, {
              runAs: { user: p.uid, group: p.uid },
              // The copy runs only once the dump has succeeded.
              initContainers: offsite ? [dump] : undefined,
              containers: [offsite?.container ?? dump],
            }), 'Never'),
          },
        },
      },
    });
  }

  /** The rclone container, its ExternalSecret and its egress, for `offsite`. */
  private offsiteCopy(o: Resolved<OffsiteCopyOptions, typeof OFFSITE_COPY_DEFAULTS>, dumpEnv: { PGDATABASE: string; BACKUP_DIR: string }, scripts: Volume, tmp: Volume) {
    const retentionDays = o.retentionDays;
    if (!Number.isInteger(retentionDays) || retentionDays < this.retentionDays) {
      fail(this, 'offsite.retentionDays', `must be a whole number of days, at least the local retentionDays ${this.retentionDays} (got ${retentionDays}); otherwise each run uploads again what it deletes`);
    }
    const secret = o.credentialsSecret ?? `${this.name}-offsite`;
    const plan = planOffsiteCopy(this, 'offsite', o, secret, SCRIPTS_DIR);
    externalSecret(this, { name: secret, keys: [...plan.secretKeys], usedBy: "the backup job's offsite copy (rclone)" });
    Platform.of(this).addExternalConnection(externalConnection(this, 'internet', `copies the database dumps offsite, to ${plan.target}`, plan.port));
    const credentials = plan.env.RCLONE_CONFIG_OFFSITE_KEY_FILE ? [{ volume: Volume.secret('credentials', secret), path: OFFSITE_CREDENTIALS_DIR, readOnly: true }] : [];
    return {
      retentionDays,
      files: { 'offsite.sh': OFFSITE_SCRIPT, ...plan.files },
      container: {
        name: 'offsite-copy',
        image: o.image,
        command: ['sh', `${SCRIPTS_DIR}/offsite.sh`],
        env: {
          PGDATABASE: dumpEnv.PGDATABASE,
          BACKUP_DIR: dumpEnv.BACKUP_DIR,
          OFFSITE_RETENTION_DAYS: String(retentionDays),
          // No config file: the remote is the RCLONE_CONFIG_OFFSITE_* variables.
          RCLONE_CONFIG: '',
          ...plan.env,
        },
        mounts: [
          { volume: scripts, path: SCRIPTS_DIR, readOnly: true },
          { volume: this.claim.volume('backups'), path: '/backups', readOnly: true },
          ...credentials,
          { volume: tmp, path: '/tmp' },
        ],
        resources: o.resources,
      },
    };
  }
}

function withRestartPolicy(template: k8s.PodTemplateSpec, restartPolicy: string): k8s.PodTemplateSpec {
  return { ...template, spec: { ...template.spec!, restartPolicy } };
}
