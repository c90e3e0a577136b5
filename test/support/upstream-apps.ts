import * as path from 'node:path';
import { Postgres } from '../../lib/data/postgres';
import { AppChart } from '../../lib/platform/app-chart';
import { Platform } from '../../lib/platform/platform';
import { externalSecret } from '../../lib/secrets/external-secret';
import { HelmChart, HelmChartProps } from '../../lib/upstream/helm-chart';
import { Manifests } from '../../lib/upstream/manifests';

/** The chart cache of the tests: the demo chart in two versions and its CRD-bearing variant. */
export const FIXTURE_CHARTS = 'test/fixtures/charts';
export const FIXTURE_REPOSITORY = 'https://charts.example.com/demo';
export const FIXTURE_MANIFESTS = 'test/fixtures/manifests/echo';
export const FIXTURE_MANIFESTS_ABSOLUTE = path.resolve(__dirname, '..', 'fixtures/manifests/echo');

/** Values of the demo chart (its values.schema.json), as an app declares them. */
export interface DemoValues {
  readonly replicaCount?: number;
  readonly image?: { readonly repository?: string; readonly tag?: string };
  readonly fullnameOverride?: string;
  readonly ingress?: { readonly enabled?: boolean; readonly className?: string; readonly hosts?: { host: string; paths?: string[] }[] };
  readonly env?: Record<string, string>;
  readonly [key: string]: unknown;
}

/** The image the demo app runs: a pin, as lib/images.ts would hold it. */
export const DEMO_IMAGE = 'registry.example.com/demo/web:2.4.0';

export const DEMO_VALUES: DemoValues = {
  replicaCount: 2,
  image: { repository: 'registry.example.com/demo/web', tag: '2.4.0' },
  ingress: { enabled: true, className: 'traefik', hosts: [{ host: 'demo.example.org' }] },
  env: { DATABASE_HOST: 'postgres' },
};

/**
 * An app from the demo chart, rendered at synth time, with a PostgreSQL of our own it connects to
 * through `chart.workload('demo').connectsTo(database)`.
 */
export class DemoChartApp extends AppChart {
  public readonly chart: HelmChart<DemoValues>;
  public readonly database: Postgres;

  constructor(platform: Platform, id = 'demo', chart: Partial<HelmChartProps<DemoValues>> = {}) {
    super(platform, id, { category: 'apps' });
    externalSecret(this, { name: 'demo-db', keys: ['password'], usedBy: "the demo's PostgreSQL user" });
    this.database = new Postgres(this, 'postgres', { database: 'demo', user: 'demo', passwordSecret: { name: 'demo-db', key: 'password' }, storageSize: '1Gi' });
    this.chart = new HelmChart<DemoValues>(this, 'chart', {
      repository: FIXTURE_REPOSITORY, chart: 'demo', version: '1.0.0', cacheDir: FIXTURE_CHARTS, values: DEMO_VALUES, images: [DEMO_IMAGE], ...chart,
    });
    if (this.chart.renderedBy === 'synth') this.chart.workload(this.chart.releaseName === 'demo' ? 'demo' : `${this.chart.releaseName}-demo`).connectsTo(this.database);
  }
}

/** An app from a folder of plain YAML. */
export class EchoManifestsApp extends AppChart {
  public readonly manifests: Manifests;

  constructor(platform: Platform, id = 'echo') {
    super(platform, id, { category: 'apps' });
    this.manifests = new Manifests(this, 'manifests', { path: FIXTURE_MANIFESTS, images: ['registry.example.com/echo:0.2.3'] });
  }
}

/** Adds both to a platform, as the invariant suites' second platform does. */
export function addUpstreamApps(): (platform: Platform) => void {
  return platform => {
    new DemoChartApp(platform);
    new EchoManifestsApp(platform);
  };
}
