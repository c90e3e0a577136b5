import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { resolveProps } from '../config';
import { fail } from '../errors';
import { KEEP_ON_PRUNE_AND_DELETE } from '../k8s/protection';
import { IMAGES } from '../images';
import { EnvValue } from '../k8s/env';
import { ComponentIdentity, selectorLabels, standardLabels } from '../k8s/labels';
import { assertDnsLabel } from '../k8s/names';
import { Probe } from '../k8s/probe';
import { quantity } from '../k8s/quantity';
import { Volume } from '../k8s/volume';
import { AppChart } from '../platform/app-chart';
import { renderPodTemplate } from '../workloads/pod';
import { ResourcesProps } from '../workloads/resources';
import { componentService } from '../workloads/service';
import { checkParameters } from './postgres-parameters';
import type { SecretKeyRef } from '../k8s/secret-key-ref';

/** Every default of `PostgresInstance`; its props' `@default`s name these values. */
export const POSTGRES_INSTANCE_DEFAULTS = {
  image: IMAGES.postgres16,
  user: 'app',
  resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } } as ResourcesProps,
  /** The Alpine images' postgres user. */
  uid: 70,
  parameters: {} as Record<string, string>,
};

export interface PostgresInstanceProps {
  /** Name of the StatefulSet and its Service (the host apps connect to). */
  readonly name: string;
  /** @default POSTGRES_INSTANCE_DEFAULTS.image (IMAGES.postgres16) */
  readonly image?: string;
  /** Database created on first start. */
  readonly database: string;
  /** Owner of that database. @default POSTGRES_INSTANCE_DEFAULTS.user ('app') */
  readonly user?: string;
  /** Pre-created Secret holding the user's password; never written to git. */
  readonly passwordSecret: SecretKeyRef;
  /** Size of the data volume, e.g. `10Gi` (seed 000). */
  readonly storageSize: string;
  /** @default - the cluster's default storage class */
  readonly storageClassName?: string;
  /** @default POSTGRES_INSTANCE_DEFAULTS.resources (requests 250m / 256Mi, limits 1 CPU / 1Gi) */
  readonly resources?: ResourcesProps;
  /**
   * UID and GID of the image's postgres user, which must own the data directory.
   * @default POSTGRES_INSTANCE_DEFAULTS.uid (70, the Alpine images)
   */
  readonly uid?: number;
  /** `postgresql.conf` parameters, passed as `-c name=value`. @default POSTGRES_INSTANCE_DEFAULTS.parameters (none) */
  readonly parameters?: Record<string, string>;
}

const PORT = { name: 'postgres', port: 5432 };

/** The server's command-line arguments for `parameters`: `-c name=value` each, none when empty. */
export function postgresArgs(parameters: Record<string, string>): string[] | undefined {
  const args = Object.entries(parameters).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  return args.length ? args : undefined;
}

/**
 * Single-instance PostgreSQL (seeds 000 and 004): a StatefulSet with one pod, its data on a
 * PersistentVolumeClaim from volumeClaimTemplates, and a headless Service. Use it through
 * `Postgres` with `mode: 'single-instance'`.
 */
export class PostgresInstance extends Construct {
  public readonly name: string;
  public readonly identity: ComponentIdentity;
  public readonly database: string;
  public readonly user: string;
  public readonly passwordSecret: SecretKeyRef;
  public readonly port = PORT.port;
  public readonly statefulSet: k8s.KubeStatefulSet;
  public readonly service: k8s.KubeService;

  constructor(scope: Construct, id: string, props: PostgresInstanceProps) {
    super(scope, id);
    const chart = AppChart.of(this);
    const p = resolveProps(POSTGRES_INSTANCE_DEFAULTS, props);
    this.name = assertDnsLabel(this, 'name', p.name);
    this.identity = { name: this.name, app: chart.appName, component: 'database' };
    this.database = p.database;
    this.user = p.user;
    this.passwordSecret = p.passwordSecret;
    quantity(this, 'storageSize', p.storageSize);
    const uid = p.uid;
    if (!Number.isInteger(uid) || uid < 1) fail(this, 'uid', `must be a non-root user ID (got ${uid})`);
    const parameters = checkParameters(this, 'parameters', p.parameters);
    const labels = standardLabels(this.identity);
    const dataDir = '/var/lib/postgresql/data';
    const isReady = ['pg_isready', '--host', '127.0.0.1', '--username', this.user, '--dbname', this.database];

    this.service = componentService(this, 'Service', this.identity, [PORT], { headless: true });
    this.statefulSet = new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata: { name: this.name, labels, annotations: KEEP_ON_PRUNE_AND_DELETE },
      spec: {
        serviceName: this.name,
        replicas: 1,
        selector: { matchLabels: selectorLabels(this.identity) },
        template: renderPodTemplate(this, labels, {
          runAs: { user: uid, group: uid },
          // A fast shutdown lets PostgreSQL checkpoint instead of being killed mid-write.
          terminationGracePeriod: Duration.seconds(60),
          containers: [{
            name: 'postgres',
            image: p.image,
            // The image's entrypoint hands arguments starting with '-' to postgres.
            args: postgresArgs(parameters),
            ports: [PORT],
            env: {
              POSTGRES_DB: this.database,
              POSTGRES_USER: this.user,
              POSTGRES_PASSWORD: EnvValue.fromSecret(p.passwordSecret.name, p.passwordSecret.key),
              // A subfolder, so the volume's lost+found does not stop initdb.
              PGDATA: `${dataDir}/pgdata`,
            },
            mounts: [
              { volume: Volume.claimTemplate('data'), path: dataDir },
              { volume: Volume.emptyDir('run'), path: '/var/run/postgresql' },
              { volume: Volume.emptyDir('tmp'), path: '/tmp' },
              // The container runtime's 64Mi /dev/shm is too small for parallel queries.
              { volume: Volume.emptyDir('shm', { memory: true, sizeLimit: '256Mi' }), path: '/dev/shm' },
            ],
            resources: p.resources,
            readiness: Probe.exec(isReady, { period: Duration.seconds(10) }),
            liveness: Probe.exec(isReady, { initialDelay: Duration.seconds(30), period: Duration.seconds(20), failureThreshold: 6 }),
          }],
        }),
        volumeClaimTemplates: [{
          metadata: { name: 'data', labels, annotations: KEEP_ON_PRUNE_AND_DELETE },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: p.storageClassName,
            resources: { requests: { storage: k8s.Quantity.fromString(p.storageSize) } },
          },
        }],
      },
    });
  }

  /** Host name apps in the same namespace connect to. */
  public get host(): string {
    return this.name;
  }
}
