import { Duration } from 'cdk8s';
import { Overrides, refuseRenamed, withDefaults } from '../lib/config';
import { Postgres, PostgresDumpOptions } from '../lib/data/postgres';
import type { SecretKeyRef } from '../lib/k8s/secret-key-ref';
import { OffsiteCopyOptions, OFFSITE_COPY_DEFAULTS } from '../lib/data/offsite-copy';
import { POSTGRES_BACKUP_DEFAULTS } from '../lib/data/postgres-backup';
import { IMAGES } from '../lib/images';
import { EnvValue } from '../lib/k8s/env';
import { Probe } from '../lib/k8s/probe';
import { externalSecret } from '../lib/secrets/external-secret';
import { AppChart } from '../lib/platform/app-chart';
import type { ServiceEndpoint } from '../lib/platform/connections';
import { Platform } from '../lib/platform/platform';
import { ResourcesProps } from '../lib/workloads/resources';
import { AutoscalingProps, WebService } from '../lib/web/web-service';

/** Seed 004: a Bun.js blog on single-node K3s, PostgreSQL behind PgBouncer, Traefik ingress. */
export interface BunBlogConfig {
  readonly hostname: string;
  readonly web: {
    readonly image: string;
    readonly port: number;
    readonly autoscaling: AutoscalingProps;
    readonly resources: ResourcesProps;
  };
  /** IngressClass. @default the platform's `entryPoints.ingressClassName` (Traefik, which K3s ships) */
  readonly ingressClassName?: string;
  readonly storage: { readonly database: string; readonly storageClassName?: string };
  readonly database: { readonly name: string; readonly user: string; readonly passwordSecret: SecretKeyRef };
  /** Daily pg_dump onto its own volume (the `Postgres` prop `dailyBackup`), kept 30 days locally (seed 004). */
  readonly backup: PostgresDumpOptions & {
    readonly retentionDays: number;
    readonly schedule: string;
    readonly storageSize: string;
    /** Seed 004 copies the dumps offsite and keeps them 90 days there; the remote is yours to name. */
    readonly offsite: OffsiteCopyOptions;
  };
  /**
   * The Ollama server that summarizes comment threads (seed 004), given to the blog as `OLLAMA_HOST`.
   * @default - no summaries
   */
  readonly summarizer?: ServiceEndpoint;
}

export const BUN_BLOG_DEFAULTS: BunBlogConfig = {
  hostname: 'blog.sudharsana.dev',
  web: {
    image: IMAGES.bunBlog,
    port: 3000,
    autoscaling: { minReplicas: 2, maxReplicas: 5 },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
  },
  storage: { database: '50Gi' },
  database: { name: 'blog', user: 'blog', passwordSecret: { name: 'bun-blog-postgres', key: 'password' } },
  backup: {
    retentionDays: POSTGRES_BACKUP_DEFAULTS.retentionDays,
    schedule: POSTGRES_BACKUP_DEFAULTS.schedule,
    storageSize: '20Gi',
    offsite: {
      remote: { type: 's3', endpoint: 'https://s3.example.com', bucket: 'homelab-backups' },
      path: 'bun-blog/postgres',
      retentionDays: OFFSITE_COPY_DEFAULTS.retentionDays,
    },
  },
};

/** The Bun blog: 2-5 pods scaled on CPU, Traefik ingress, PostgreSQL behind PgBouncer. */
export class BunBlogChart extends AppChart {
  public readonly config: BunBlogConfig;
  public readonly web: WebService;

  constructor(platform: Platform, id = 'bun-blog', overrides: Overrides<BunBlogConfig> = {}) {
    super(platform, id, { category: 'apps' });
    const config = withDefaults(BUN_BLOG_DEFAULTS, refuseRenamed(this, overrides, { 'backup.storage': 'backup.storageSize' }));
    this.config = config;

    externalSecret(this, { name: config.database.passwordSecret.name, keys: [config.database.passwordSecret.key], usedBy: "the Bun blog's PostgreSQL user, PgBouncer and the backup job" });
    const postgres = new Postgres(this, 'postgres', {
      database: config.database.name,
      user: config.database.user,
      passwordSecret: config.database.passwordSecret,
      storageSize: config.storage.database,
      storageClassName: config.storage.storageClassName,
      pooler: {},
      dailyBackup: config.backup,
    });

    const health = Probe.http('/health', { initialDelay: Duration.seconds(5), period: Duration.seconds(10) });
    this.web = new WebService(this, 'web', {
      name: 'blog',
      image: config.web.image,
      port: config.web.port,
      autoscaling: config.web.autoscaling,
      resources: config.web.resources,
      readiness: health,
      liveness: health.withTimings({ initialDelay: Duration.seconds(15), period: Duration.seconds(20), failureThreshold: 3 }),
      // libpq's variables, read by Bun.sql: the app talks to PgBouncer, never to PostgreSQL directly.
      env: {
        PGHOST: postgres.clientHost,
        PGPORT: String(postgres.port),
        PGDATABASE: postgres.database,
        PGUSER: postgres.user,
        PGPASSWORD: EnvValue.fromSecret(postgres.passwordSecret.name, postgres.passwordSecret.key),
        ...(config.summarizer ? { OLLAMA_HOST: config.summarizer.url } : {}),
      },
      ingress: { hosts: [config.hostname], className: config.ingressClassName },
      // Seed 004: Prometheus scrapes request rates and error rates from every pod of the blog.
      metrics: { port: config.web.port },
    }).connectsTo(postgres);
    if (config.summarizer) this.web.connectsToEndpoint(config.summarizer);
  }
}
