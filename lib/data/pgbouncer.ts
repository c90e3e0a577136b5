import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { resolveProps } from '../config';
import { IMAGES } from '../images';
import { EnvValue } from '../k8s/env';
import { ComponentIdentity, selectorLabels, standardLabels } from '../k8s/labels';
import { assertDnsLabel } from '../k8s/names';
import { Probe } from '../k8s/probe';
import { Volume } from '../k8s/volume';
import { AppChart } from '../platform/app-chart';
import { renderPodTemplate } from '../workloads/pod';
import { ResourcesProps } from '../workloads/resources';
import { componentService } from '../workloads/service';
import { fail } from '../errors';
import type { SecretKeyRef } from '../k8s/secret-key-ref';

/** Every default of `PgBouncer`; its props' `@default`s name these values (seed 004's pooler). */
export const PGBOUNCER_DEFAULTS = {
  image: IMAGES.pgbouncer,
  poolMode: 'transaction' as 'session' | 'transaction',
  maxClientConnections: 200,
  defaultPoolSize: 20,
  resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '250m', memory: '128Mi' } } as ResourcesProps,
};

/** The server PgBouncer connects to. */
export interface PgBouncerUpstream {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly passwordSecret: SecretKeyRef;
}

/** Tuning shared by both poolers. */
export interface PgBouncerOptions {
  /** Name of the pooler and the Service apps connect to. @default `<postgres>-pooler` (`<cluster>-pooler-rw` for CloudNativePG) */
  readonly name?: string;
  /**
   * `transaction` returns a server connection to the pool after each transaction, so a few
   * server connections serve many clients.
   * @default PGBOUNCER_DEFAULTS.poolMode ('transaction'; POSTGRES_POOLER_DEFAULTS for CloudNativePG)
   */
  readonly poolMode?: 'session' | 'transaction';
  /** @default PGBOUNCER_DEFAULTS.maxClientConnections (200; 1000 for CloudNativePG) */
  readonly maxClientConnections?: number;
  /** Server connections per database and user. @default PGBOUNCER_DEFAULTS.defaultPoolSize (20) */
  readonly defaultPoolSize?: number;
  /** @default PGBOUNCER_DEFAULTS.resources (requests 50m / 32Mi, limits 250m / 128Mi; CloudNativePG: POSTGRES_POOLER_DEFAULTS) */
  readonly resources?: ResourcesProps;
}

export interface PgBouncerProps extends PgBouncerOptions {
  /** The single-instance database it pools connections to. */
  readonly postgres: PgBouncerUpstream;
  /** @default PGBOUNCER_DEFAULTS.image (IMAGES.pgbouncer) */
  readonly image?: string;
}

const PORT = { name: 'postgres', port: 5432 };

/** PgBouncer in front of single-instance PostgreSQL (seed 004): apps connect to it, not the database. Created by `Postgres` with `pooler`. */
export class PgBouncer extends Construct {
  public readonly name: string;
  public readonly identity: ComponentIdentity;
  public readonly port = PORT.port;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;

  constructor(scope: Construct, id: string, props: PgBouncerProps) {
    super(scope, id);
    const p = resolveProps(PGBOUNCER_DEFAULTS, props);
    const pg = p.postgres;
    if (!pg) fail(this, 'postgres', 'a pooler needs the database it pools connections to');
    this.name = assertDnsLabel(this, 'name', p.name ?? `${pg.name}-pooler`);
    this.identity = { name: this.name, app: AppChart.of(this).appName, component: 'connection-pooler' };
    const labels = standardLabels(this.identity);

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: this.name, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: selectorLabels(this.identity) },
        template: renderPodTemplate(this, labels, {
          runAs: { user: 70, group: 70 },
          containers: [{
            name: 'pgbouncer',
            image: p.image,
            ports: [PORT],
            env: {
              DB_HOST: pg.host,
              DB_PORT: String(pg.port),
              DB_USER: pg.user,
              DB_PASSWORD: EnvValue.fromSecret(pg.passwordSecret.name, pg.passwordSecret.key),
              AUTH_TYPE: 'scram-sha-256',
              POOL_MODE: p.poolMode,
              MAX_CLIENT_CONN: String(p.maxClientConnections),
              DEFAULT_POOL_SIZE: String(p.defaultPoolSize),
              LISTEN_PORT: String(PORT.port),
            },
            // The image writes pgbouncer.ini and userlist.txt from the environment at start.
            mounts: [{ volume: Volume.emptyDir('config'), path: '/etc/pgbouncer' }],
            resources: p.resources,
            readiness: Probe.tcp({ period: Duration.seconds(10) }),
            liveness: Probe.tcp({ initialDelay: Duration.seconds(15), period: Duration.seconds(20) }),
          }],
        }),
      },
    });
    this.service = componentService(this, 'Service', this.identity, [PORT]);
  }

  /** Host name apps in the same namespace connect to. */
  public get host(): string {
    return this.name;
  }
}
