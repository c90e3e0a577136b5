import { Postgres } from '../../lib/data/postgres';
import { Valkey } from '../../lib/data/valkey';
import { EnvValue } from '../../lib/k8s/env';
import { Probe } from '../../lib/k8s/probe';
import { Volume } from '../../lib/k8s/volume';
import { AppChart } from '../../lib/platform/app-chart';
import { appEndpoint } from '../../lib/platform/connections';
import { Platform } from '../../lib/platform/platform';
import { externalSecret } from '../../lib/secrets/external-secret';
import { VolumeClaim } from '../../lib/storage/volume-claim';
import { WEB_SERVICE_DEFAULTS, WebService } from '../../lib/web/web-service';

/** Paperless-ngx: a web service with its PostgreSQL, a Valkey cache, a volume, and another app it calls. */
export class PaperlessChart extends AppChart {
  constructor(platform: Platform, image: string) {
    super(platform, 'paperless', { category: 'apps' });

    // A database: its password comes from the secret store (item paperless-paperless-postgres).
    const password = externalSecret(this, { name: 'paperless-postgres', keys: ['password'], usedBy: "Paperless's PostgreSQL user" });
    const postgres = new Postgres(this, 'postgres', {
      database: 'paperless', user: 'paperless', storageSize: '10Gi',
      passwordSecret: { name: password.name, key: 'password' },
    });

    // A cache.
    const cache = new Valkey(this, 'valkey');

    // A volume: a claim Argo CD never prunes or deletes, mounted into the pod.
    const media = new VolumeClaim(this, 'media', { size: '20Gi', owner: { name: 'media', app: 'paperless', component: 'storage' } });

    const web = new WebService(this, 'web', {
      name: 'paperless',
      image,
      port: 8000,
      replicas: 1,
      readiness: Probe.http('/', WEB_SERVICE_DEFAULTS.readiness.timings),
      liveness: Probe.http('/', WEB_SERVICE_DEFAULTS.liveness.timings),
      env: {
        PAPERLESS_DBHOST: postgres.clientHost,
        PAPERLESS_DBPASS: EnvValue.fromSecret(postgres.passwordSecret.name, postgres.passwordSecret.key),
        PAPERLESS_REDIS: cache.url,
        // Another app, reached by its Service's cluster URL.
        PAPERLESS_TIKA_ENDPOINT: 'http://miniflux.miniflux.svc.cluster.local:8080',
      },
      // The claim, and a scratch folder, as the root filesystem is read-only.
      mounts: [{ volume: media.volume(), path: '/usr/src/paperless/media' }, { volume: Volume.emptyDir('tmp'), path: '/tmp' }],
      ingress: { hosts: ['paperless.example.org'] },
    });

    // Every connection its pods open, or the NetworkPolicies block it: the database and the cache
    // of this app by their constructs, the other app by its endpoint.
    web.connectsTo(postgres, cache).connectsToEndpoint(appEndpoint('miniflux', 'miniflux', 8080));
  }
}
