import { Duration } from 'cdk8s';
import { Overrides, refuseRenamed, withDefaults } from '../lib/config';
import { Postgres } from '../lib/data/postgres';
import type { ObjectStoreProps } from '../lib/data/postgres-cluster';
import { Valkey, VALKEY_DEFAULTS } from '../lib/data/valkey';
import { SENTINEL_PORT } from '../lib/data/valkey-config';
import { POSTGRES_CLUSTER_DEFAULTS } from '../lib/data/postgres-cluster';
import type { SecretKeyRef } from '../lib/k8s/secret-key-ref';
import { externalSecret } from '../lib/secrets/external-secret';
import { AppChart } from '../lib/platform/app-chart';
import { Platform } from '../lib/platform/platform';
import { IMAGES } from '../lib/images';
import { EnvValue } from '../lib/k8s/env';
import { Probe } from '../lib/k8s/probe';
import { ResourcesProps } from '../lib/workloads/resources';
import { WebService } from '../lib/web/web-service';

/** Seed 002: a URL shortener on a 3-node K3s cluster, CloudNativePG and Valkey with Sentinel. */
export interface UrlShortenerConfig {
  /** The service of app/ (its Dockerfile builds this image). */
  readonly service: {
    readonly image: string;
    readonly replicas: number;
    readonly port: number;
    /** Seed 002 also publishes the API on this port of every node. */
    readonly nodePort: number;
    /** Hostname of the Ingress (seed 002 reaches it through Traefik on port 80). */
    readonly hostname: string;
    readonly resources: ResourcesProps;
    /**
     * Seed 002's open contract (OPEN_API): no credentials, anyone may change any link. Off: writes
     * need an API key, links change only by their owner, users see only their own record.
     * @default false
     */
    readonly openApi: boolean;
  };
  /** The `Postgres` props of the same names; `name` is its `database`. */
  readonly database: {
    readonly name: string;
    readonly user: string;
    readonly instances: number;
    readonly storageSize: string;
    /** @default - the cluster's default class */
    readonly storageClassName?: string;
    readonly parameters: Record<string, string>;
    readonly resources: ResourcesProps;
    /** Connect through a CloudNativePG Pooler (PgBouncer, transaction mode, 2 pods). */
    readonly pooler: boolean;
    /** Barman Cloud backups to an S3-compatible bucket. @default - none (seed 002 names no bucket) */
    readonly objectStore?: ObjectStoreProps;
  };
  readonly cache: {
    readonly replicas: number;
    readonly sentinels: number;
    readonly quorum: number;
    readonly resources: ResourcesProps;
    /** Seconds a cached redirect lives (seed 002: 30); for the service's Deployment. */
    readonly ttlSeconds: number;
    /**
     * Pre-created Secret with the password of Valkey and its Sentinels. Seed 002 ran without one;
     * the platform is secure by default, so the service sends it to both.
     */
    readonly passwordSecret?: SecretKeyRef;
  };
}

export const URL_SHORTENER_DEFAULTS: UrlShortenerConfig = {
  service: {
    image: IMAGES.urlShortener,
    replicas: 3,
    port: 5000,
    nodePort: 30080,
    hostname: 'short.example.com',
    // One Node.js process runs JavaScript on one core: request what it can use (issue 14);
    // the limit leaves room for GC and libuv threads.
    resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } },
    openApi: false,
  },
  database: {
    name: 'urlshortener',
    user: 'urlshortener',
    instances: POSTGRES_CLUSTER_DEFAULTS.instances,
    storageSize: '5Gi',
    parameters: { shared_buffers: '256MB', max_connections: '200' },
    resources: POSTGRES_CLUSTER_DEFAULTS.resources,
    pooler: true,
  },
  cache: {
    replicas: VALKEY_DEFAULTS.sentinel.replicas,
    sentinels: VALKEY_DEFAULTS.sentinel.sentinels,
    quorum: VALKEY_DEFAULTS.sentinel.quorum,
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    ttlSeconds: 30,
    passwordSecret: { name: 'url-shortener-valkey', key: 'password' },
  },
};

/** Its config's fields renamed to the construct props they set. */
const URL_SHORTENER_RENAMED = { 'database.owner': 'database.user', 'database.storage': 'database.storageSize' };

/**
 * The URL shortener (seed 002): the service of app/ in 3 replicas, a 3-instance CloudNativePG
 * cluster behind a PgBouncer Pooler, and Valkey primary + 3 replicas + 3 Sentinels as its cache.
 */
export class UrlShortenerChart extends AppChart {
  public readonly config: UrlShortenerConfig;
  public readonly postgres: Postgres;
  public readonly cache: Valkey;
  /** Host the service connects to: the Pooler (or the cluster's `-rw` Service). */
  public readonly databaseHost: string;
  public readonly databasePort: number;
  public readonly databaseName: string;
  /** CloudNativePG's `<cluster>-app` Secret: keys `username`, `password`, `uri`, ... */
  public readonly databaseSecretName: string;
  /** Sentinel Service (port 26379) the service asks for the current primary. */
  public readonly sentinelHost: string;
  public readonly sentinelPort: number;
  public readonly sentinelMasterName: string;
  /** Pre-created Secret with the Valkey and Sentinel password. */
  public readonly cachePasswordSecret?: SecretKeyRef;
  /** Lifetime of a cached entry. */
  public readonly cacheTtl: Duration;
  public readonly web: WebService;

  constructor(platform: Platform, id = 'url-shortener', overrides: Overrides<UrlShortenerConfig> = {}) {
    super(platform, id, { category: 'apps' });
    const config = withDefaults(URL_SHORTENER_DEFAULTS, refuseRenamed(this, overrides, URL_SHORTENER_RENAMED));
    this.config = config;
    const { name, pooler, ...db } = config.database;

    this.postgres = new Postgres(this, 'postgres', { mode: 'cloudnative-pg', ...db, database: name, pooler: pooler ? {} : undefined });
    if (config.cache.passwordSecret) {
      externalSecret(this, { name: config.cache.passwordSecret.name, keys: [config.cache.passwordSecret.key], usedBy: 'Valkey (`requirepass`, `masterauth`) and its Sentinels (`sentinel auth-pass`, `requirepass`)' });
    }
    this.cache = new Valkey(this, 'valkey', {
      resources: config.cache.resources,
      passwordSecret: config.cache.passwordSecret,
      sentinel: { replicas: config.cache.replicas, sentinels: config.cache.sentinels, quorum: config.cache.quorum },
    });

    this.databaseHost = this.postgres.clientHost;
    this.databasePort = this.postgres.port;
    this.databaseName = this.postgres.database;
    this.databaseSecretName = this.postgres.passwordSecret.name;
    this.sentinelHost = this.cache.sentinelHost!;
    this.sentinelPort = SENTINEL_PORT;
    this.sentinelMasterName = this.cache.sentinel!.masterName;
    this.cachePasswordSecret = config.cache.passwordSecret;
    this.cacheTtl = Duration.seconds(config.cache.ttlSeconds);

    const svc = config.service;
    const password = this.cachePasswordSecret;
    this.web = new WebService(this, 'api', {
      image: svc.image,
      port: svc.port,
      replicas: svc.replicas,
      resources: svc.resources,
      readiness: Probe.http('/ready', { period: Duration.seconds(5), failureThreshold: 2 }),
      liveness: Probe.http('/health', { initialDelay: Duration.seconds(10), period: Duration.seconds(10), failureThreshold: 3 }),
      metrics: { port: svc.port },
      nodePort: svc.nodePort,
      // Seed 002 reaches the API on the LAN, through Traefik and the node port.
      ingress: { hosts: [svc.hostname], exposure: 'internal' },
      env: {
        PORT: String(svc.port),
        DB_USER: EnvValue.fromSecret(this.databaseSecretName, 'username'),
        DB_PASSWORD: EnvValue.fromSecret(this.databaseSecretName, 'password'),
        DATABASE_URL: `postgresql://$(DB_USER):$(DB_PASSWORD)@${this.databaseHost}:${this.databasePort}/${this.databaseName}`,
        REDIS_SENTINELS: `${this.sentinelHost}:${this.sentinelPort}`,
        REDIS_SENTINEL_MASTER: this.sentinelMasterName,
        ...(password ? { REDIS_PASSWORD: EnvValue.fromSecret(password.name, password.key) } : {}),
        CACHE_TTL_SECONDS: String(config.cache.ttlSeconds),
        // The mode this chart deploys: API keys and owners (OPEN_API=false), or seed 002's open API.
        OPEN_API: String(svc.openApi),
        // Traefik is the one proxy in front: its X-Forwarded-For entry is the client, for the rate limits.
        TRUST_PROXY_HOPS: '1',
        // The app stops taking requests after the preStop drain and must finish before SIGKILL.
        SHUTDOWN_GRACE_MS: '25000',
      },
    }).connectsTo(this.postgres, this.cache, this.cache.sentinel!.endpoint);
  }
}
