import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { resolveProps } from '../config';
import { stringify } from 'yaml';
import type { SecretKeyRef } from '../k8s/secret-key-ref';
import { IMAGES } from '../images';
import { EnvValue } from '../k8s/env';
import { ComponentIdentity, standardLabels } from '../k8s/labels';
import { Probe } from '../k8s/probe';
import { Volume } from '../k8s/volume';
import { AppChart } from '../platform/app-chart';
import { VolumeClaim } from '../storage/volume-claim';
import { ResourcesProps } from '../workloads/resources';
import { DATASOURCE, GrafanaDashboard } from './dashboards';
import { MonitoringWorkload } from './workload';

export const GRAFANA_PORT = 3000;
const DASHBOARDS_DIR = '/var/lib/grafana-dashboards';

/**
 * Grafana's datasources: Prometheus (default) and Loki. Prometheus series and Loki streams share
 * the labels namespace, pod and service, and a correlation turns any Prometheus result with a pod
 * into a link to that pod's logs.
 */
export function renderDatasources(prometheusUrl: string, lokiUrl: string, scrapeInterval: Duration): string {
  return stringify({
    apiVersion: 1,
    datasources: [
      {
        name: 'Prometheus', uid: DATASOURCE.prometheus, type: 'prometheus', access: 'proxy', url: prometheusUrl, isDefault: true, editable: false,
        jsonData: { timeInterval: `${scrapeInterval.toSeconds()}s`, httpMethod: 'POST' },
        correlations: [{
          targetUID: DATASOURCE.loki,
          label: 'Logs of this pod',
          description: 'The log lines of the same pod, from Loki',
          config: { type: 'query', field: 'pod', target: { expr: '{namespace="${namespace}", pod="${pod}"}' } },
        }],
      },
      { name: 'Loki', uid: DATASOURCE.loki, type: 'loki', access: 'proxy', url: lokiUrl, editable: false, jsonData: { maxLines: 1000 } },
    ],
  }, { lineWidth: 0 });
}

/** The dashboard provider: every file of the dashboards ConfigMap, read-only in the UI. */
export function renderDashboardProvider(): string {
  return stringify({
    apiVersion: 1,
    providers: [{
      name: 'platform', folder: 'Platform', type: 'file', disableDeletion: true, allowUiUpdates: false, updateIntervalSeconds: 60,
      options: { path: DASHBOARDS_DIR },
    }],
  }, { lineWidth: 0 });
}

/** Every default of `Grafana`; its props' `@default`s name these values. */
export const GRAFANA_DEFAULTS = {
  image: IMAGES.grafana,
  /** Seed 004 gives Grafana 512Mi. */
  resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } } as ResourcesProps,
};

export interface GrafanaProps {
  readonly prometheusUrl: string;
  readonly lokiUrl: string;
  readonly scrapeInterval: Duration;
  readonly dashboards: GrafanaDashboard[];
  /** Pre-created Secret with the admin user and password; never written to git. */
  readonly adminUser: SecretKeyRef;
  readonly adminPassword: SecretKeyRef;
  /** Size of the volume for Grafana's database (users, preferences). */
  readonly storageSize: string;
  readonly storageClassName?: string;
  /** @default GRAFANA_DEFAULTS.resources (requests 100m / 256Mi, limits 500m / 512Mi) */
  readonly resources?: ResourcesProps;
  /** @default GRAFANA_DEFAULTS.image (IMAGES.grafana) */
  readonly image?: string;
  /** @default - ClusterIP only */
  readonly nodePort?: number;
}

/** Grafana with provisioned datasources and dashboards generated from TypeScript. */
export class Grafana extends Construct {
  public readonly identity: ComponentIdentity;
  public readonly files: Record<string, string>;
  public readonly dashboards: Record<string, string>;

  constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id);
    const p = resolveProps(GRAFANA_DEFAULTS, props);
    const identity = { name: 'grafana', app: AppChart.of(this).appName, component: 'dashboards' };
    this.identity = identity;
    const labels = standardLabels(identity);
    this.files = {
      'datasources.yaml': renderDatasources(p.prometheusUrl, p.lokiUrl, p.scrapeInterval),
      'dashboards.yaml': renderDashboardProvider(),
    };
    this.dashboards = Object.fromEntries(p.dashboards.map(d => [`${d.uid}.json`, `${JSON.stringify(d, null, 2)}\n`]));
    new k8s.KubeConfigMap(this, 'Provisioning', { metadata: { name: 'grafana-provisioning', labels }, data: this.files });
    new k8s.KubeConfigMap(this, 'Dashboards', { metadata: { name: 'grafana-dashboards', labels }, data: this.dashboards });
    const data = new VolumeClaim(this, 'Data', { name: 'grafana-data', size: p.storageSize, storageClassName: p.storageClassName, owner: identity });
    new MonitoringWorkload(this, 'Workload', {
      identity,
      // The image's grafana user.
      runAs: { user: 472, group: 472 },
      metrics: { port: GRAFANA_PORT },
      configFiles: { ...this.files, ...this.dashboards },
      servicePorts: [{ name: 'http', port: GRAFANA_PORT, nodePort: p.nodePort }],
      containers: [{
        name: 'grafana',
        image: p.image,
        env: {
          GF_SECURITY_ADMIN_USER: EnvValue.fromSecret(p.adminUser.name, p.adminUser.key),
          GF_SECURITY_ADMIN_PASSWORD: EnvValue.fromSecret(p.adminPassword.name, p.adminPassword.key),
          GF_ANALYTICS_REPORTING_ENABLED: 'false',
          GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
          GF_USERS_ALLOW_SIGN_UP: 'false',
          GF_PATHS_PROVISIONING: '/etc/grafana/provisioning',
        },
        ports: [{ name: 'http', port: GRAFANA_PORT }],
        mounts: [
          { volume: Volume.configMap('provisioning', 'grafana-provisioning'), path: '/etc/grafana/provisioning/datasources/datasources.yaml', subPath: 'datasources.yaml', readOnly: true },
          { volume: Volume.configMap('provisioning', 'grafana-provisioning'), path: '/etc/grafana/provisioning/dashboards/dashboards.yaml', subPath: 'dashboards.yaml', readOnly: true },
          { volume: Volume.configMap('dashboards', 'grafana-dashboards'), path: DASHBOARDS_DIR, readOnly: true },
          { volume: data.volume('data'), path: '/var/lib/grafana' },
          { volume: Volume.emptyDir('tmp'), path: '/tmp' },
        ],
        resources: p.resources,
        readiness: Probe.http('/api/health', { period: Duration.seconds(10) }),
        liveness: Probe.http('/api/health', { initialDelay: Duration.seconds(60), period: Duration.seconds(20), failureThreshold: 5 }),
      }],
    });
  }
}
