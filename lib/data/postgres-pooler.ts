import { Construct } from 'constructs';
import { resolveProps } from '../config';
import { Pooler, PoolerSpecPgbouncerPoolMode, PoolerSpecTemplateSpecContainersResourcesLimits as Limits, PoolerSpecTemplateSpecContainersResourcesRequests as Requests, PoolerSpecType } from '../../imports/cnpg-pooler-postgresql.cnpg.io';
import { fail } from '../errors';
import { ComponentIdentity, standardLabels } from '../k8s/labels';
import { assertDnsLabel } from '../k8s/names';
import { scrapeAnnotations } from '../monitoring/scrape';
import { AppChart } from '../platform/app-chart';
import { ResourcesProps, checkResources } from '../workloads/resources';
import type { PostgresCluster } from './postgres-cluster';

/** Port of the PgBouncer exporter built into CloudNativePG's pooler pods. */
export const POOLER_METRICS_PORT = 9127;

/** Every default of `PostgresPooler`; its props' `@default`s name these values. */
export const POSTGRES_POOLER_DEFAULTS = {
  instances: 2,
  poolMode: 'transaction' as 'session' | 'transaction',
  maxClientConnections: 1000,
  defaultPoolSize: 20,
  resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } } as ResourcesProps,
};

export interface PostgresPoolerProps {
  /** The CloudNativePG cluster it pools connections to. */
  readonly cluster: PostgresCluster;
  /** Name of the Pooler and the Service apps connect to. @default `<cluster>-pooler-rw` */
  readonly name?: string;
  /** PgBouncer pods. @default POSTGRES_POOLER_DEFAULTS.instances (2) */
  readonly instances?: number;
  /**
   * `transaction` returns a server connection to the pool after each transaction, so a few
   * server connections serve many clients; apps must not rely on session state.
   * @default POSTGRES_POOLER_DEFAULTS.poolMode ('transaction')
   */
  readonly poolMode?: 'session' | 'transaction';
  /** @default POSTGRES_POOLER_DEFAULTS.maxClientConnections (1000) */
  readonly maxClientConnections?: number;
  /** Server connections per database and user; keep their sum below max_connections. @default POSTGRES_POOLER_DEFAULTS.defaultPoolSize (20) */
  readonly defaultPoolSize?: number;
  /** @default POSTGRES_POOLER_DEFAULTS.resources (requests 50m / 64Mi, limits 500m / 128Mi) */
  readonly resources?: ResourcesProps;
}

/**
 * A CloudNativePG Pooler: PgBouncer pods in front of the cluster's primary (`type: rw`), with
 * the same credentials (the `<cluster>-app` Secret) and metrics on 9127 scraped by annotation.
 * @see https://cloudnative-pg.io/documentation/current/connection_pooling/
 */
export class PostgresPooler extends Construct {
  public readonly name: string;
  public readonly identity: ComponentIdentity;
  public readonly port = 5432;
  public readonly pooler: Pooler;

  constructor(scope: Construct, id: string, props: PostgresPoolerProps) {
    super(scope, id);
    const p = resolveProps(POSTGRES_POOLER_DEFAULTS, props);
    const cluster = p.cluster;
    if (!cluster) fail(this, 'cluster', 'a Pooler needs the CloudNativePG cluster it pools connections to');
    this.name = assertDnsLabel(this, 'name', p.name ?? `${cluster.name}-pooler-rw`);
    this.identity = { name: this.name, app: AppChart.of(this).appName, component: 'connection-pooler' };
    const { instances, maxClientConnections: maxClient, defaultPoolSize: poolSize, resources } = p;
    if (!Number.isInteger(instances) || instances < 1) fail(this, 'instances', `must be a whole number of at least 1 (got ${instances})`);
    for (const [field, value] of [['maxClientConnections', maxClient], ['defaultPoolSize', poolSize]] as const) {
      if (!Number.isInteger(value) || value < 1) fail(this, field, `must be a whole number of at least 1 (got ${value})`);
    }
    checkResources(this, 'resources', resources);
    const labels = standardLabels(this.identity);

    this.pooler = new Pooler(this, 'Pooler', {
      metadata: { name: this.name, labels },
      spec: {
        cluster: { name: cluster.name },
        instances,
        type: PoolerSpecType.RW,
        pgbouncer: {
          poolMode: p.poolMode === 'session' ? PoolerSpecPgbouncerPoolMode.SESSION : PoolerSpecPgbouncerPoolMode.TRANSACTION,
          // Clients may use named prepared statements (node-postgres does): PgBouncer tracks them
          // per server connection in transaction mode when this is above 0.
          parameters: { max_client_conn: String(maxClient), default_pool_size: String(poolSize), max_prepared_statements: '200' },
        },
        template: {
          // The operator labels the pods itself; they opt in to scraping like every other pod.
          metadata: { annotations: scrapeAnnotations({ port: POOLER_METRICS_PORT }) },
          spec: {
            containers: [{
              name: 'pgbouncer',
              resources: {
                requests: { cpu: Requests.fromString(resources.requests.cpu), memory: Requests.fromString(resources.requests.memory) },
                limits: { cpu: Limits.fromString(resources.limits.cpu), memory: Limits.fromString(resources.limits.memory) },
              },
            }],
          },
        },
      },
    });
  }

  /** Host name apps in the same namespace connect to. */
  public get host(): string {
    return this.name;
  }
}
