import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { IMAGES } from '../images';
import { EnvValue } from '../k8s/env';
import { ComponentIdentity, selectorLabels, standardLabels } from '../k8s/labels';
import { assertDnsLabel } from '../k8s/names';
import { Probe } from '../k8s/probe';
import { Volume } from '../k8s/volume';
import { AppChart } from '../platform/app-chart';
import { connection } from '../platform/connections';
import { Platform } from '../platform/platform';
import { renderPodTemplate } from '../workloads/pod';
import { ResourcesProps } from '../workloads/resources';
import { componentService } from '../workloads/service';
import type { Postgres } from './postgres';

export interface PgBouncerProps {
  /** The database it pools connections to. */
  readonly postgres: Postgres;
  /** Name of the Deployment and Service apps connect to. @default `<postgres>-pooler` */
  readonly name?: string;
  /** @default IMAGES.pgbouncer */
  readonly image?: string;
  /**
   * `transaction` returns a server connection to the pool after each transaction, so a few
   * server connections serve many clients.
   * @default 'transaction'
   */
  readonly poolMode?: 'session' | 'transaction';
  /** @default 200 */
  readonly maxClientConnections?: number;
  /** Server connections per database and user. @default 20 */
  readonly defaultPoolSize?: number;
  /** @default requests 50m / 32Mi, limits 250m / 128Mi */
  readonly resources?: ResourcesProps;
}

const PORT = { name: 'postgres', port: 5432 };

/** PgBouncer in front of single-instance PostgreSQL (seed 004): apps connect to it, not the database. */
export class PgBouncer extends Construct {
  public readonly name: string;
  public readonly identity: ComponentIdentity;
  public readonly port = PORT.port;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;

  constructor(scope: Construct, id: string, props: PgBouncerProps) {
    super(scope, id);
    const pg = props.postgres;
    this.name = assertDnsLabel(this, 'name', props.name ?? `${pg.name}-pooler`);
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
            image: props.image ?? IMAGES.pgbouncer,
            ports: [PORT],
            env: {
              DB_HOST: pg.host,
              DB_PORT: String(pg.port),
              DB_USER: pg.user,
              DB_PASSWORD: EnvValue.fromSecret(pg.passwordSecret.name, pg.passwordSecret.key),
              AUTH_TYPE: 'scram-sha-256',
              POOL_MODE: props.poolMode ?? 'transaction',
              MAX_CLIENT_CONN: String(props.maxClientConnections ?? 200),
              DEFAULT_POOL_SIZE: String(props.defaultPoolSize ?? 20),
              LISTEN_PORT: String(PORT.port),
            },
            // The image writes pgbouncer.ini and userlist.txt from the environment at start.
            mounts: [{ volume: Volume.emptyDir('config'), path: '/etc/pgbouncer' }],
            resources: props.resources ?? { requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '250m', memory: '128Mi' } },
            readiness: Probe.tcp({ period: Duration.seconds(10) }),
            liveness: Probe.tcp({ initialDelay: Duration.seconds(15), period: Duration.seconds(20) }),
          }],
        }),
      },
    });
    this.service = componentService(this, 'Service', this.identity, [PORT]);
    Platform.of(this).addConnection(connection(this, pg));
  }

  /** Host name apps in the same namespace connect to. */
  public get host(): string {
    return this.name;
  }
}
