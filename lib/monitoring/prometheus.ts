import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { resolveProps } from '../config';
import { fail } from '../errors';
import { IMAGES } from '../images';
import { ComponentIdentity, standardLabels } from '../k8s/labels';
import { Probe } from '../k8s/probe';
import { quantity } from '../k8s/quantity';
import { Volume } from '../k8s/volume';
import { AppChart } from '../platform/app-chart';
import { Platform } from '../platform/platform';
import { VolumeClaim } from '../storage/volume-claim';
import { ResourcesProps } from '../workloads/resources';
import { renderRuleFile, RuleGroup } from './alerts';
import { KubeStateMetricsPods, renderPrometheusConfig } from './prometheus-config';
import { RULES_CONFIG } from './rules-config';
import { clusterReader, MonitoringWorkload } from './workload';

/** Every default of `Prometheus`; its props' `@default`s name these values. */
export const PROMETHEUS_DEFAULTS = {
  image: IMAGES.prometheus,
  /** Seed 004 keeps 15 days; seed 002 keeps 7. */
  retention: Duration.days(15),
  /** Seed 002: every 15 s. */
  scrapeInterval: Duration.seconds(15),
  /** Seed 004 gives Prometheus 1 GB and 500m. */
  resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } } as ResourcesProps,
  probes: RULES_CONFIG.probes,
};

export interface PrometheusProps {
  /** @default PROMETHEUS_DEFAULTS.image (IMAGES.prometheus) */
  readonly image?: string;
  /**
   * How long samples are kept.
   * @default PROMETHEUS_DEFAULTS.retention (15 days, seed 004; seed 002 keeps 7 days)
   */
  readonly retention?: Duration;
  /** Size cap of the TSDB, e.g. `18GB`; the oldest blocks go first. Keep it below the volume size. */
  readonly retentionSize: string;
  /** Size of the data volume, e.g. `20Gi`. */
  readonly storageSize: string;
  /** @default - the cluster's default class */
  readonly storageClassName?: string;
  /** @default PROMETHEUS_DEFAULTS.scrapeInterval (15 s, seed 002) */
  readonly scrapeInterval?: Duration;
  /** @default PROMETHEUS_DEFAULTS.resources (requests 500m / 1Gi, limits 1 CPU / 2Gi) */
  readonly resources?: ResourcesProps;
  /** `host:port` of Alertmanager. */
  readonly alertmanager: string;
  /** `host:port` of the blackbox exporter. */
  readonly blackboxExporter: string;
  /** Every rule group of the platform. */
  readonly ruleGroups: RuleGroup[];
  /** Public URLs to probe. */
  readonly probeUrls: string[];
  /** The kube-state-metrics pods, scraped with their own `namespace`, `pod` and `container` labels kept. */
  readonly kubeStateMetrics: KubeStateMetricsPods;
  /** Job name and interval of the probes. @default PROMETHEUS_DEFAULTS.probes (RULES_CONFIG.probes) */
  readonly probes?: { readonly job: string; readonly interval: Duration };
  /** @see https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport @default - ClusterIP only */
  readonly nodePort?: number;
}

export const PROMETHEUS_PORT = 9090;
const CONFIG_DIR = '/etc/prometheus';
const RULES_DIR = '/etc/prometheus/rules';

/**
 * Prometheus with its config and rules from ConfigMaps, its TSDB on a PersistentVolumeClaim, and a
 * ServiceAccount that may only discover pods, services, endpoints and nodes.
 */
export class Prometheus extends Construct {
  public readonly identity: ComponentIdentity;
  public readonly port = PROMETHEUS_PORT;
  public readonly config: string;
  /** Rule files by file name. */
  public readonly ruleFiles: Record<string, string>;
  public readonly workload: MonitoringWorkload;

  constructor(scope: Construct, id: string, props: PrometheusProps) {
    super(scope, id);
    const p = resolveProps(PROMETHEUS_DEFAULTS, props);
    const identity = { name: 'prometheus', app: AppChart.of(this).appName, component: 'metrics' };
    this.identity = identity;
    const platform = Platform.of(this);
    // Its NetworkPolicy lets it reach every pod that asks to be scraped.
    platform.declarations.scrapers.add(this, { identity, namespace: AppChart.of(this).namespace, declaredBy: this.node.path });
    if (!/^\d+(B|KB|MB|GB|TB|PB)$/.test(p.retentionSize)) fail(this, 'retentionSize', `"${p.retentionSize}" must be a whole number with a unit B, KB, MB, GB, TB or PB`);
    quantity(this, 'storageSize', p.storageSize);

    this.config = renderPrometheusConfig({
      scrapeInterval: p.scrapeInterval,
      evaluationInterval: p.scrapeInterval,
      alertmanager: p.alertmanager,
      rulesDir: RULES_DIR,
      probeUrls: p.probeUrls,
      blackboxExporter: p.blackboxExporter,
      probeJob: p.probes.job,
      probeInterval: p.probes.interval,
      probeModule: 'http_2xx',
      kubeStateMetrics: p.kubeStateMetrics,
    });
    this.ruleFiles = Object.fromEntries(p.ruleGroups.map(g => [`${g.name}.yml`, renderRuleFile(g, platform.repoURL, platform.targetRevision)]));

    const labels = standardLabels(identity);
    new k8s.KubeConfigMap(this, 'ConfigMap', { metadata: { name: 'prometheus-config', labels }, data: { 'prometheus.yml': this.config } });
    new k8s.KubeConfigMap(this, 'Rules', { metadata: { name: 'prometheus-rules', labels }, data: this.ruleFiles });
    const data = new VolumeClaim(this, 'Data', { name: 'prometheus-data', size: p.storageSize, storageClassName: p.storageClassName, owner: identity });

    const serviceAccountName = clusterReader(this, identity, [
      { apiGroups: [''], resources: ['pods', 'services', 'endpoints', 'nodes'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
    ]);

    this.workload = new MonitoringWorkload(this, 'Workload', {
      identity,
      serviceAccountName,
      automountServiceAccountToken: true,
      // The image's nobody user; fsGroup makes the volume writable for it.
      runAs: { user: 65534, group: 65534 },
      metrics: { port: PROMETHEUS_PORT },
      configFiles: { 'prometheus.yml': this.config, ...this.ruleFiles },
      terminationGracePeriod: Duration.seconds(120),
      servicePorts: [{ name: 'http', port: PROMETHEUS_PORT, nodePort: p.nodePort }],
      containers: [{
        name: 'prometheus',
        image: p.image,
        args: [
          `--config.file=${CONFIG_DIR}/prometheus.yml`,
          '--storage.tsdb.path=/prometheus',
          `--storage.tsdb.retention.time=${p.retention.toDays()}d`,
          `--storage.tsdb.retention.size=${p.retentionSize}`,
          `--web.listen-address=:${PROMETHEUS_PORT}`,
        ],
        ports: [{ name: 'http', port: PROMETHEUS_PORT }],
        mounts: [
          { volume: Volume.configMap('config', 'prometheus-config'), path: `${CONFIG_DIR}/prometheus.yml`, subPath: 'prometheus.yml', readOnly: true },
          { volume: Volume.configMap('rules', 'prometheus-rules'), path: RULES_DIR, readOnly: true },
          { volume: data.volume('data'), path: '/prometheus' },
        ],
        resources: p.resources,
        readiness: Probe.http('/-/ready', { period: Duration.seconds(10) }),
        liveness: Probe.http('/-/healthy', { initialDelay: Duration.seconds(30), period: Duration.seconds(15), failureThreshold: 5 }),
        // Replaying the write-ahead log after a restart can take minutes.
        startup: Probe.http('/-/ready', { period: Duration.seconds(10), failureThreshold: 60 }),
      }],
    });
  }

  /** Its address inside its own namespace, for Grafana. */
  public get url(): string {
    return `http://${this.identity.name}:${this.port}`;
  }
}
