import { Construct } from 'constructs';
import { resolveProps } from '../config';
import { fail } from '../errors';
import { ComponentIdentity } from '../k8s/labels';
import { connection } from '../platform/connections';
import { Platform } from '../platform/platform';
import { assertDnsLabel } from '../k8s/names';
import { quantity } from '../k8s/quantity';
import type { SecretKeyRef } from '../k8s/secret-key-ref';
import { ResourcesProps } from '../workloads/resources';
import { PgBouncer, PgBouncerOptions } from './pgbouncer';
import { OffsiteCopyOptions } from './offsite-copy';
import { PostgresBackup } from './postgres-backup';
import { ObjectStoreProps, PostgresCluster } from './postgres-cluster';
import { PostgresInstance } from './postgres-instance';
import { PostgresPooler } from './postgres-pooler';


/**
 * `single-instance`: one pod of a StatefulSet (seeds 000 and 004), for a single node.
 * `cloudnative-pg`: a CloudNativePG cluster with streaming replicas and failover (seed 002).
 */
export type PostgresMode = 'single-instance' | 'cloudnative-pg';

/** A connection pooler in front of the database. */
export interface PostgresPoolerOptions extends PgBouncerOptions {
  /** PgBouncer pods (CloudNativePG only; the single-instance pooler runs one). @default 2 */
  readonly instances?: number;
}

/** Daily pg_dump of a single-instance database onto its own volume (seed 004). */
export interface PostgresDumpOptions {
  /** @default 30 (seed 004) */
  readonly retentionDays?: number;
  /** 5-field cron. @default '0 3 * * *' */
  readonly schedule?: string;
  /** Size of the backup volume. @default the database's storage size */
  readonly storageSize?: string;
  /**
   * After each dump, rclone copies the dumps to a remote (S3-compatible or SFTP) and deletes the
   * remote's dumps older than `offsite.retentionDays` (90, seed 004).
   * @default - none
   */
  readonly offsite?: OffsiteCopyOptions;
}

/** Every default of `Postgres` itself; its parts (`PostgresInstance`, `PostgresCluster`, the poolers, the backup) have their own. */
export const POSTGRES_DEFAULTS = {
  mode: 'single-instance' as PostgresMode,
  /** The owner both parts default to. */
  user: 'app',
};

export interface PostgresProps {
  /** Name of the database server: StatefulSet and Service, or CloudNativePG Cluster. @default the construct id */
  readonly name?: string;
  /** A single-instance StatefulSet, or a CloudNativePG cluster (`'cloudnative-pg'`). @default POSTGRES_DEFAULTS.mode ('single-instance') */
  readonly mode?: PostgresMode;
  /** Database created on first start. */
  readonly database: string;
  /** Owner of that database. @default POSTGRES_DEFAULTS.user ('app') */
  readonly user?: string;
  /**
   * Pre-created Secret with the user's password (single instance; never written to git).
   * CloudNativePG generates the password into the `<name>-app` Secret and refuses this prop.
   */
  readonly passwordSecret?: SecretKeyRef;
  /** Size of the data volume (of each instance), e.g. `10Gi`. */
  readonly storageSize: string;
  /** StorageClass of the data volume. @default - the cluster's default storage class */
  readonly storageClassName?: string;
  /** PostgreSQL 16 image; for CloudNativePG an operand image (`imageName`). @default IMAGES.postgres16 / IMAGES.cnpgPostgres16 */
  readonly image?: string;
  /** `postgresql.conf` parameters; names PostgreSQL 16 does not know are refused. @default {} */
  readonly parameters?: Record<string, string>;
  /** Requests and limits of the database container. @default single instance: requests 250m / 256Mi, limits 1 / 1Gi; CloudNativePG: 500m / 1Gi, 2 / 2Gi */
  readonly resources?: ResourcesProps;
  /** PostgreSQL instances (CloudNativePG only). @default 3 */
  readonly instances?: number;
  /** PgBouncer in front, in transaction mode; apps connect to `clientHost`. @default - none */
  readonly pooler?: PostgresPoolerOptions;
  /** WAL archive and base backups through the Barman Cloud plugin (CloudNativePG only). @default - none */
  readonly objectStore?: ObjectStoreProps;
  /** Daily pg_dump with retention (single instance only). @default - none */
  readonly dailyBackup?: PostgresDumpOptions;
}

/**
 * PostgreSQL 16 for one app, in either mode, with an optional PgBouncer and backups. Apps read
 * `clientHost`, `port`, `database`, `user` and `passwordSecret` and never care which mode it is.
 */
export class Postgres extends Construct {
  public readonly name: string;
  public readonly mode: PostgresMode;
  public readonly database: string;
  public readonly user: string;
  public readonly port = 5432;
  /** Where the owner's password is: the referenced Secret, or CloudNativePG's `<name>-app`. */
  public readonly passwordSecret: SecretKeyRef;
  /** The StatefulSet server (single instance). */
  public readonly instance?: PostgresInstance;
  /** The CloudNativePG cluster. */
  public readonly cluster?: PostgresCluster;
  public readonly pooler?: PgBouncer | PostgresPooler;
  public readonly backup?: PostgresBackup;

  constructor(scope: Construct, id: string, props: PostgresProps) {
    super(scope, id);
    const p = resolveProps(POSTGRES_DEFAULTS, props);
    this.name = assertDnsLabel(this, 'name', p.name ?? id);
    this.mode = p.mode;
    this.database = props.database;
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(this.database ?? '')) {
      fail(this, 'database', `"${this.database}" is not a plain PostgreSQL identifier (lowercase letters, digits, '_')`);
    }
    this.user = p.user;
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(this.user)) fail(this, 'user', `"${this.user}" is not a plain PostgreSQL identifier (lowercase letters, digits, '_')`);
    quantity(this, 'storageSize', props.storageSize);

    if (this.mode === 'cloudnative-pg') {
      if (props.passwordSecret) fail(this, 'passwordSecret', `CloudNativePG generates the password into the "${this.name}-app" Secret; remove passwordSecret`);
      if (props.dailyBackup) fail(this, 'dailyBackup', 'is for single instances; a CloudNativePG cluster backs up through objectStore');
      this.cluster = new PostgresCluster(this, 'Cluster', {
        name: this.name,
        instances: props.instances,
        imageName: props.image,
        database: this.database,
        owner: this.user,
        storageSize: props.storageSize,
        storageClassName: props.storageClassName,
        parameters: props.parameters,
        resources: props.resources,
        objectStore: props.objectStore,
      });
      this.passwordSecret = this.cluster.passwordSecret;
      if (props.pooler) this.pooler = new PostgresPooler(this, 'Pooler', { cluster: this.cluster, ...props.pooler });
    } else if (this.mode === 'single-instance') {
      if (props.instances !== undefined && props.instances !== 1) {
        fail(this, 'instances', `a single instance runs exactly 1 (got ${props.instances}); use mode 'cloudnative-pg' for replicas`);
      }
      if (props.objectStore) fail(this, 'objectStore', "needs mode 'cloudnative-pg'; a single instance backs up through dailyBackup");
      if (!props.passwordSecret) fail(this, 'passwordSecret', 'a single instance needs a pre-created Secret with the password');
      this.passwordSecret = props.passwordSecret;
      this.instance = new PostgresInstance(this, 'Instance', {
        name: this.name,
        image: props.image,
        database: this.database,
        user: this.user,
        passwordSecret: props.passwordSecret,
        storageSize: props.storageSize,
        storageClassName: props.storageClassName,
        resources: props.resources,
        parameters: props.parameters,
      });
      if (props.pooler) {
        if (props.pooler.instances !== undefined && props.pooler.instances !== 1) {
          fail(this, 'pooler.instances', `the single-instance pooler runs 1 pod (got ${props.pooler.instances})`);
        }
        this.pooler = new PgBouncer(this, 'Pooler', { postgres: this.server, ...props.pooler });
      }
      if (props.dailyBackup) {
        this.backup = new PostgresBackup(this, 'Backup', {
          source: this.server,
          image: props.image,
          retentionDays: props.dailyBackup.retentionDays,
          schedule: props.dailyBackup.schedule,
          storageSize: props.dailyBackup.storageSize ?? props.storageSize,
          storageClassName: props.storageClassName,
          offsite: props.dailyBackup.offsite,
        });
        Platform.of(this).addConnection(connection(this.backup, (this.instance ?? this.cluster)!));
      }
    } else {
      fail(this, 'mode', `"${String(p.mode)}" is not 'single-instance' or 'cloudnative-pg'`);
    }
    if (this.pooler) Platform.of(this).addConnection(connection(this.pooler, (this.instance ?? this.cluster)!));
  }

  /** Who clients connect to (the pooler when there is one, else the server), for declared connections. */
  public get identity(): ComponentIdentity {
    return (this.pooler ?? this.instance ?? this.cluster)!.identity;
  }

  /** The database server itself: the StatefulSet's Service, or the cluster's `-rw` Service. */
  public get host(): string {
    return this.cluster ? this.cluster.host : this.name;
  }

  /** Where apps connect: the pooler when there is one, else the server. */
  public get clientHost(): string {
    return this.pooler?.host ?? this.host;
  }

  private get server() {
    return { name: this.name, host: this.host, port: this.port, database: this.database, user: this.user, passwordSecret: this.passwordSecret };
  }
}
