import { Construct } from 'constructs';
import { resolveProps } from '../config';
import { ObjectStore, ObjectStoreSpecConfigurationDataCompression, ObjectStoreSpecConfigurationWalCompression } from '../../imports/barman-objectstore-barmancloud.cnpg.io';
import { Cluster, ClusterSpecPrimaryUpdateStrategy, ClusterSpecResourcesLimits, ClusterSpecResourcesRequests } from '../../imports/cnpg-cluster-postgresql.cnpg.io';
import { ScheduledBackup, ScheduledBackupSpecBackupOwnerReference, ScheduledBackupSpecMethod } from '../../imports/cnpg-scheduledbackup-postgresql.cnpg.io';
import { fail } from '../errors';
import { KEEP_ON_PRUNE_AND_DELETE } from '../k8s/protection';
import { IMAGES } from '../images';
import { assertPinnedImage } from '../k8s/image';
import { ComponentIdentity, standardLabels } from '../k8s/labels';
import { assertDnsLabel } from '../k8s/names';
import { quantity } from '../k8s/quantity';
import { monitorPostgres, monitorPostgresBackups } from '../monitoring/data-alerts';
import { scrapeAnnotations } from '../monitoring/scrape';
import { BARMAN_CLOUD_PLUGIN, BARMAN_PLUGIN_NAME, CLOUDNATIVE_PG } from '../operators/cloudnative-pg';
import { AppChart } from '../platform/app-chart';
import { externalConnection } from '../platform/connections';
import { Platform } from '../platform/platform';
import { ResourcesProps, checkResources } from '../workloads/resources';
import { CNPG_FIXED_PARAMETERS, checkParameters } from './postgres-parameters';
import type { SecretKeyRef } from '../k8s/secret-key-ref';
import { requireOperator } from '../operators/require-operator';

/** Port of the metrics exporter built into every CloudNativePG instance. */
export const CNPG_METRICS_PORT = 9187;

/** Every default of `PostgresCluster`; its props' `@default`s name these values (seed 002's cluster). */
export const POSTGRES_CLUSTER_DEFAULTS = {
  instances: 3,
  imageName: IMAGES.cnpgPostgres16,
  owner: 'app',
  resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } } as ResourcesProps,
  parameters: {} as Record<string, string>,
  /** Of `objectStore`, which has no default itself. */
  baseBackups: { retention: '30d', /** 03:00 every day (six fields: seconds first). */ schedule: '0 0 3 * * *' },
};

export interface ObjectStoreProps {
  /** `s3://bucket/path`, the folder backups of this cluster go under. */
  readonly destinationPath: string;
  /** Endpoint of an S3-compatible store (MinIO, Garage, R2). @default - AWS S3 */
  readonly endpointURL?: string;
  /** Pre-created Secret with the access key ID. */
  readonly accessKeyId: SecretKeyRef;
  /** Pre-created Secret with the secret access key. */
  readonly secretAccessKey: SecretKeyRef;
  /** How long base backups and WAL are kept, e.g. `30d`. @default POSTGRES_CLUSTER_DEFAULTS.baseBackups.retention ('30d') */
  readonly retention?: string;
  /**
   * When the ScheduledBackup takes a base backup: CloudNativePG's 6-field cron (seconds first).
   * @default POSTGRES_CLUSTER_DEFAULTS.baseBackups.schedule ('0 0 3 * * *', 03:00 every day)
   */
  readonly schedule?: string;
}

export interface PostgresClusterProps {
  /** Name of the Cluster; CloudNativePG names its Services `<name>-rw`, `-ro`, `-r` and its Secret `<name>-app`. */
  readonly name: string;
  /** PostgreSQL instances: one primary, the rest streaming replicas. @default POSTGRES_CLUSTER_DEFAULTS.instances (3, seed 002) */
  readonly instances?: number;
  /** @default POSTGRES_CLUSTER_DEFAULTS.imageName (IMAGES.cnpgPostgres16) */
  readonly imageName?: string;
  /** Database created by `bootstrap.initdb`. */
  readonly database: string;
  /** Owner of that database; CloudNativePG generates its password into `<name>-app`. @default POSTGRES_CLUSTER_DEFAULTS.owner ('app') */
  readonly owner?: string;
  /** Size of each instance's volume, e.g. `5Gi`. */
  readonly storageSize: string;
  /** @default - the cluster's default storage class */
  readonly storageClassName?: string;
  /** `postgresql.conf` parameters, e.g. `{ shared_buffers: '256MB' }`. @default POSTGRES_CLUSTER_DEFAULTS.parameters (none) */
  readonly parameters?: Record<string, string>;
  /** Of each instance. @default POSTGRES_CLUSTER_DEFAULTS.resources (requests 500m / 1Gi, limits 2 / 2Gi, seed 002) */
  readonly resources?: ResourcesProps;
  /** Backups through the Barman Cloud plugin. @default - none */
  readonly objectStore?: ObjectStoreProps;
}

/** Checksums only where the S3 API requires them, as stores other than AWS S3 expect. */
const S3_COMPATIBLE_CHECKSUMS = [
  { name: 'AWS_REQUEST_CHECKSUM_CALCULATION', value: 'when_required' },
  { name: 'AWS_RESPONSE_CHECKSUM_VALIDATION', value: 'when_required' },
];

/** Seconds, minutes, hours, day of month, month, day of week: the cron of CloudNativePG. */
const SIX_FIELD_CRON = /^\S+( \S+){5}$/;
/** Barman's retention policy: a number of days, weeks or months. */
const RETENTION = /^[1-9][0-9]*[dwm]$/;

/**
 * A highly available PostgreSQL cluster (seed 002) run by the CloudNativePG operator: streaming
 * replication, automatic failover, instances spread across nodes, metrics on 9187 scraped by
 * annotation, and optionally WAL archiving and scheduled base backups to an object store.
 * Requires the operator (and the plugin for backups); the GitOps chart installs them.
 */
export class PostgresCluster extends Construct {
  public readonly name: string;
  public readonly identity: ComponentIdentity;
  public readonly database: string;
  public readonly owner: string;
  public readonly instances: number;
  public readonly port = 5432;
  public readonly cluster: Cluster;
  public readonly objectStore?: ObjectStore;
  public readonly scheduledBackup?: ScheduledBackup;

  constructor(scope: Construct, id: string, props: PostgresClusterProps) {
    super(scope, id);
    const p = resolveProps(POSTGRES_CLUSTER_DEFAULTS, props);
    this.name = assertDnsLabel(this, 'name', p.name);
    this.identity = { name: this.name, app: AppChart.of(this).appName, component: 'database' };
    // Alerts travel with what emits the metrics: the exporter of every instance, on 9187.
    monitorPostgres(this, { namespace: AppChart.of(this).namespace, service: this.name });
    this.database = p.database;
    this.owner = p.owner;
    this.instances = p.instances;
    if (!Number.isInteger(this.instances) || this.instances < 1) {
      fail(this, 'instances', `must be a whole number of at least 1 (got ${this.instances})`);
    }
    const imageName = assertPinnedImage(this, 'imageName', p.imageName);
    quantity(this, 'storageSize', p.storageSize);
    const parameters = checkParameters(this, 'parameters', p.parameters, CNPG_FIXED_PARAMETERS);
    const resources = p.resources;
    checkResources(this, 'resources', resources);
    const labels = standardLabels(this.identity);
    const platform = Platform.of(this);
    requireOperator(this, CLOUDNATIVE_PG);

    const store = p.objectStore && resolveProps(POSTGRES_CLUSTER_DEFAULTS.baseBackups, p.objectStore);
    if (store) {
      if (!/^s3:\/\/[a-z0-9][a-z0-9.-]+[a-z0-9](\/.*)?$/.test(store.destinationPath)) {
        fail(this, 'objectStore.destinationPath', `"${store.destinationPath}" is not an s3://bucket/path URL`);
      }
      const { schedule, retention } = store;
      if (!SIX_FIELD_CRON.test(schedule)) {
        fail(this, 'objectStore.schedule', `"${schedule}" is not a 6-field cron (seconds minutes hours day month weekday)`);
      }
      if (!RETENTION.test(retention)) fail(this, 'objectStore.retention', `"${retention}" is not a retention such as 30d, 4w or 6m`);
      requireOperator(this, BARMAN_CLOUD_PLUGIN);
      monitorPostgresBackups(this, { namespace: AppChart.of(this).namespace, service: this.name });
      // The plugin's sidecar in every instance (and the recovery Job) talks to the store itself.
      const endpoint = new URL(store.endpointURL ?? 'https://s3.amazonaws.com');
      const bucket = /^s3:\/\/([^/]+)/.exec(store.destinationPath)![1];
      platform.addExternalConnection(externalConnection(this, 'internet', `archives WAL and base backups to the S3 bucket ${bucket} at ${endpoint.host}`, Number(endpoint.port || 443)));
      this.objectStore = new ObjectStore(this, 'ObjectStore', {
        metadata: { name: this.name, labels },
        spec: {
          retentionPolicy: retention,
          // boto3 (in the plugin's Barman Cloud) uploads in aws-chunked encoding with a checksum
          // trailer by default, which S3-compatible stores refuse (MissingContentLength; seen with
          // rclone serve s3 in the restore drill); AWS S3 itself needs no change.
          instanceSidecarConfiguration: store.endpointURL ? { env: S3_COMPATIBLE_CHECKSUMS } : undefined,
          configuration: {
            destinationPath: store.destinationPath,
            endpointUrl: store.endpointURL,
            s3Credentials: { accessKeyId: store.accessKeyId, secretAccessKey: store.secretAccessKey },
            wal: { compression: ObjectStoreSpecConfigurationWalCompression.GZIP },
            data: { compression: ObjectStoreSpecConfigurationDataCompression.GZIP },
          },
        },
      });
      this.scheduledBackup = new ScheduledBackup(this, 'ScheduledBackup', {
        metadata: { name: this.name, labels },
        spec: {
          schedule,
          cluster: { name: this.name },
          method: ScheduledBackupSpecMethod.PLUGIN,
          pluginConfiguration: { name: BARMAN_PLUGIN_NAME },
          backupOwnerReference: ScheduledBackupSpecBackupOwnerReference.SELF,
          // A base backup right away, so a fresh cluster is recoverable before the first night.
          immediate: true,
        },
      });
    }

    this.cluster = new Cluster(this, 'Cluster', {
      metadata: {
        name: this.name,
        labels,
        annotations: KEEP_ON_PRUNE_AND_DELETE,
      },
      spec: {
        instances: this.instances,
        imageName,
        primaryUpdateStrategy: ClusterSpecPrimaryUpdateStrategy.UNSUPERVISED,
        storage: { size: p.storageSize, storageClass: p.storageClassName },
        postgresql: Object.keys(parameters).length ? { parameters } : undefined,
        bootstrap: { initdb: { database: this.database, owner: this.owner } },
        resources: {
          requests: { cpu: ClusterSpecResourcesRequests.fromString(resources.requests.cpu), memory: ClusterSpecResourcesRequests.fromString(resources.requests.memory) },
          limits: { cpu: ClusterSpecResourcesLimits.fromString(resources.limits.cpu), memory: ClusterSpecResourcesLimits.fromString(resources.limits.memory) },
        },
        // One instance per node where possible; soft, so a smaller cluster still schedules all.
        affinity: { enablePodAntiAffinity: true, topologyKey: 'kubernetes.io/hostname', podAntiAffinityType: 'preferred' },
        // The pods opt in to scraping of the exporter on 9187 the way every other pod does. No
        // inherited app.kubernetes.io labels: the operator sets its own on what it creates.
        inheritedMetadata: { annotations: scrapeAnnotations({ port: CNPG_METRICS_PORT }) },
        plugins: store ? [{ name: BARMAN_PLUGIN_NAME, isWalArchiver: true, parameters: { barmanObjectName: this.name } }] : undefined,
      },
    });
  }

  /** Read-write Service: always the primary. */
  public get host(): string {
    return `${this.name}-rw`;
  }

  /** Read-only Service: the replicas. */
  public get readOnlyHost(): string {
    return `${this.name}-ro`;
  }

  /** The Secret CloudNativePG creates for the owner (keys username, password, uri, ...). */
  public get secretName(): string {
    return `${this.name}-app`;
  }

  /** The owner's password in that Secret. */
  public get passwordSecret(): SecretKeyRef {
    return { name: this.secretName, key: 'password' };
  }
}
