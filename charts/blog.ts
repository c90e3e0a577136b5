import { Duration } from 'cdk8s';
import { Overrides, withDefaults } from '../lib/config';
import type { SecretKeyRef } from '../lib/k8s/secret-key-ref';
import { Postgres } from '../lib/data/postgres';
import { Valkey } from '../lib/data/valkey';
import { IMAGES } from '../lib/images';
import { EnvValue } from '../lib/k8s/env';
import { Volume } from '../lib/k8s/volume';
import { Routes } from '../lib/networking/routes';
import { externalSecret } from '../lib/secrets/external-secret';
import { STATIC_FILES_PROXY_DEFAULTS, StaticFilesProxy } from '../lib/web/static-files-proxy';
import { AppChart } from '../lib/platform/app-chart';
import { Platform } from '../lib/platform/platform';
import { VolumeClaim } from '../lib/storage/volume-claim';
import { ResourcesProps } from '../lib/workloads/resources';
import { WebService } from '../lib/web/web-service';

/** Seed 000: a Django site on single-node K3s behind a Cloudflare tunnel. */
export interface BlogConfig {
  /** Public hostnames, answered through the Cloudflare tunnel. */
  readonly hostnames: string[];
  readonly web: {
    readonly image: string;
    readonly replicas: number;
    /** Gunicorn's port. */
    readonly port: number;
    readonly resources: ResourcesProps;
    /** Pre-created Secret with Django's SECRET_KEY. */
    readonly secretKey: SecretKeyRef;
  };
  readonly nginx: { readonly image: string; readonly replicas: number };
  readonly storage: {
    readonly staticfiles: string;
    readonly media: string;
    readonly database: string;
    /** @default - the cluster's default class (local-path on K3s) */
    readonly storageClassName?: string;
  };
  readonly database: { readonly name: string; readonly user: string; readonly passwordSecret: SecretKeyRef };
}

export const BLOG_DEFAULTS: BlogConfig = {
  hostnames: ['caiodonalisio.com', 'www.caiodonalisio.com'],
  web: {
    image: IMAGES.blogWeb,
    replicas: 2,
    port: 3334,
    // Gunicorn with 4 workers.
    resources: { requests: { cpu: '250m', memory: '384Mi' }, limits: { cpu: '1', memory: '768Mi' } },
    secretKey: { name: 'blog-django', key: 'secret-key' },
  },
  nginx: { image: STATIC_FILES_PROXY_DEFAULTS.image, replicas: STATIC_FILES_PROXY_DEFAULTS.replicas },
  storage: { staticfiles: '2Gi', media: '2Gi', database: '10Gi' },
  database: { name: 'blog', user: 'blog', passwordSecret: { name: 'blog-postgres', key: 'password' } },
};

const STATIC_ROOT = '/usr/src/staticfiles';
const MEDIA_ROOT = '/usr/src/media';

/**
 * The Django blog: Gunicorn (2 replicas), NGINX serving /static/ and /media/ from volumes and
 * proxying the rest, PostgreSQL 16, and Valkey for cache and sessions.
 */
export class BlogChart extends AppChart {
  public readonly config: BlogConfig;
  public readonly web: WebService;
  public readonly proxy: StaticFilesProxy;
  public readonly routes: Routes;

  constructor(platform: Platform, id = 'blog', overrides: Overrides<BlogConfig> = {}) {
    super(platform, id, { category: 'apps' });
    const config = withDefaults(BLOG_DEFAULTS, overrides);
    this.config = config;

    // Credentials first: the pods that read them then know an ExternalSecret creates them.
    externalSecret(this, { name: config.web.secretKey.name, keys: [config.web.secretKey.key], usedBy: "Django's `SECRET_KEY`" });
    externalSecret(this, { name: config.database.passwordSecret.name, keys: [config.database.passwordSecret.key], usedBy: "the blog's PostgreSQL user" });
    const owner = { name: 'web', app: this.appName, component: 'storage' };
    const staticfiles = new VolumeClaim(this, 'staticfiles', { size: config.storage.staticfiles, storageClassName: config.storage.storageClassName, owner });
    const media = new VolumeClaim(this, 'media', { size: config.storage.media, storageClassName: config.storage.storageClassName, owner });

    const postgres = new Postgres(this, 'postgres', {
      database: config.database.name,
      user: config.database.user,
      passwordSecret: config.database.passwordSecret,
      storageSize: config.storage.database,
      storageClassName: config.storage.storageClassName,
    });
    const cache = new Valkey(this, 'valkey');

    this.web = new WebService(this, 'web', {
      image: config.web.image,
      port: config.web.port,
      replicas: config.web.replicas,
      resources: config.web.resources,
      env: {
        DJANGO_SETTINGS_MODULE: 'website.settings.production',
        DJANGO_SECRET_KEY: EnvValue.fromSecret(config.web.secretKey.name, config.web.secretKey.key),
        DJANGO_ALLOWED_HOSTS: config.hostnames.join(','),
        POSTGRES_HOST: postgres.host,
        POSTGRES_PORT: String(postgres.port),
        POSTGRES_DB: postgres.database,
        POSTGRES_USER: postgres.user,
        POSTGRES_PASSWORD: EnvValue.fromSecret(postgres.passwordSecret.name, postgres.passwordSecret.key),
        REDIS_URL: `${cache.url}/0`,
        STATIC_ROOT,
        MEDIA_ROOT,
      },
      mounts: [
        // collectstatic writes here on start; NGINX reads it.
        { volume: staticfiles.volume(), path: STATIC_ROOT },
        { volume: media.volume(), path: MEDIA_ROOT },
        { volume: Volume.emptyDir('tmp'), path: '/tmp' },
      ],
    }).connectsTo(postgres, cache);

    this.proxy = new StaticFilesProxy(this, 'nginx', {
      upstream: this.web,
      image: config.nginx.image,
      replicas: config.nginx.replicas,
      staticMounts: [
        // collectstatic's manifest storage gives files content hashes: cache them for a year.
        { urlPath: '/static/', claim: staticfiles, maxAge: Duration.days(365) },
        { urlPath: '/media/', claim: media },
      ],
    });
    // Every public hostname to NGINX: through the tunnel, and the Ingress or HTTPRoute.
    this.routes = new Routes(this, 'routes', {
      hostnames: config.hostnames,
      backend: { service: this.proxy.web.name, port: this.proxy.web.port, target: this.proxy.web },
    });
  }

}
