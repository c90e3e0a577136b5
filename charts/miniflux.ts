import { Overrides, withDefaults } from '../lib/config';
import { Postgres } from '../lib/data/postgres';
import { IMAGES } from '../lib/images';
import { Routes } from '../lib/networking/routes';
import { AppChart } from '../lib/platform/app-chart';
import { Platform } from '../lib/platform/platform';
import { externalSecret } from '../lib/secrets/external-secret';
import { HelmChart } from '../lib/upstream/helm-chart';
import { imageValues } from '../lib/upstream/image-values';
import type { AppTemplate411Values } from './values/app-template-4.1.1';

/**
 * Miniflux, a self-hosted feed reader, from an upstream Helm chart: bjw-s app-template (the generic
 * chart homelab repositories use for apps without a chart of their own; seed 003 runs its apps so),
 * rendered at synth time from vendor/charts/, with its PostgreSQL from our own `Postgres`.
 */
export interface MinifluxConfig {
  readonly hostname: string;
  readonly image: string;
  /** app-template, pinned. */
  readonly chart: { readonly repository: string; readonly chart: string; readonly version: string };
  readonly databaseStorage: string;
}

export const MINIFLUX_DEFAULTS: MinifluxConfig = {
  hostname: 'news.example.org',
  image: IMAGES.miniflux,
  chart: { repository: 'https://bjw-s-labs.github.io/helm-charts', chart: 'app-template', version: '4.1.1' },
  databaseStorage: '5Gi',
};

/** The feed reader's port (LISTEN_ADDR). */
const PORT = 8080;

export class MinifluxChart extends AppChart {
  public readonly chart: HelmChart<AppTemplate411Values>;
  public readonly database: Postgres;

  constructor(platform: Platform, id = 'miniflux', overrides: Overrides<MinifluxConfig> = {}) {
    super(platform, id, { category: 'apps' });
    const config = withDefaults(MINIFLUX_DEFAULTS, overrides);
    const credentials = externalSecret(this, { name: 'miniflux-postgres', keys: ['password'], usedBy: "Miniflux's PostgreSQL user" });
    const admin = externalSecret(this, { name: 'miniflux-admin', keys: ['username', 'password'], usedBy: 'the first Miniflux administrator' });
    this.database = new Postgres(this, 'postgres', {
      database: 'miniflux', user: 'miniflux',
      passwordSecret: { name: credentials.name, key: 'password' },
      storageSize: config.databaseStorage,
    });
    const secretEnv = (name: string, key: string) => ({ secretKeyRef: { name, key } });
    // Out of rotation after 3 failed checks (30 s), restarted only after 6 (60 s).
    const probe = (failureThreshold: number) => ({ enabled: true, custom: true, spec: { httpGet: { path: '/healthcheck', port: PORT }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold } });

    // The values' type is generated from the chart's values.schema.json (npm run charts:types): a wrong value fails the type check.
    this.chart = new HelmChart<AppTemplate411Values>(this, 'app', {
      ...config.chart,
      values: {
        controllers: {
          main: {
            strategy: 'RollingUpdate',
            rollingUpdate: { surge: 1, unavailable: 0 },
            pod: {
              automountServiceAccountToken: false,
              securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
            },
            containers: {
              main: {
                image: imageValues(config.image),
                // A list keeps the order: Kubernetes expands $(DB_PASSWORD) only from a variable defined before it.
                env: [
                  { name: 'DB_PASSWORD', valueFrom: secretEnv(credentials.name, 'password') },
                  { name: 'DATABASE_URL', value: `postgres://miniflux:$(DB_PASSWORD)@${this.database.clientHost}:${this.database.port}/miniflux?sslmode=disable` },
                  { name: 'RUN_MIGRATIONS', value: '1' },
                  { name: 'CREATE_ADMIN', value: '1' },
                  { name: 'ADMIN_USERNAME', valueFrom: secretEnv(admin.name, 'username') },
                  { name: 'ADMIN_PASSWORD', valueFrom: secretEnv(admin.name, 'password') },
                  { name: 'LISTEN_ADDR', value: `0.0.0.0:${PORT}` },
                  { name: 'BASE_URL', value: `https://${config.hostname}` },
                ],
                ports: [{ name: 'http', containerPort: PORT }],
                probes: { liveness: probe(6), readiness: probe(3) },
                resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              },
            },
          },
        },
        service: { main: { controller: 'main', ports: { http: { port: PORT } } } },
      },
    });
    const server = this.chart.workload('miniflux').connectsTo(this.database).connectsToInternet('fetches the feeds it follows');
    new Routes(this, 'routes', { hostnames: [config.hostname], backend: { service: 'miniflux', port: PORT, target: server } });
  }
}
