import { Duration } from 'cdk8s';
import { Overrides, refuseRenamed, withDefaults } from '../lib/config';
import type { SecretKeyRef } from '../lib/k8s/secret-key-ref';
import { externalSecret } from '../lib/secrets/external-secret';
import { ALERTMANAGER_DEFAULTS, Alertmanager, Notifier, WarningBatching } from '../lib/monitoring/alertmanager';
import { collectDeclarations, declareAlerts, declareDashboard } from '../lib/monitoring/declarations';
import { alertingPipelineAlerts, stackTargetAlerts } from '../lib/monitoring/platform-alerts';
import { platformOverviewDashboard } from '../lib/monitoring/dashboards';
import { BlackboxExporter, KubeStateMetrics, NodeExporter } from '../lib/monitoring/exporters';
import { GRAFANA_DEFAULTS, Grafana } from '../lib/monitoring/grafana';
import { Alloy, Loki } from '../lib/monitoring/logs';
import { Prometheus, PROMETHEUS_DEFAULTS } from '../lib/monitoring/prometheus';
import { AppChart } from '../lib/platform/app-chart';
import { connection, externalConnection } from '../lib/platform/connections';
import { Platform } from '../lib/platform/platform';
import { PodSecurity } from '../lib/platform/pod-security';
import { RULES_CONFIG, RulesConfig } from '../lib/monitoring/rules-config';
import { ResourcesProps } from '../lib/workloads/resources';

/** Seeds 002 and 004: metrics, alerts, dashboards and logs for the whole platform. */
export interface MonitoringConfig {
  readonly prometheus: {
    /** Seed 004 keeps 15 days; seed 002 keeps 7. */
    readonly retention: Duration;
    /** TSDB size cap; keep it about 10 % below the volume. */
    readonly retentionSize: string;
    readonly storageSize: string;
    /** Seed 002: every 15 s. */
    readonly scrapeInterval: Duration;
    readonly resources: ResourcesProps;
  };
  readonly alertmanager: {
    /** Pre-created Secret with one key per notifier URL. */
    readonly webhooksSecret: string;
    /** Seed 002: Discord. Seed 004: `{ type: 'webhook', secretKey: 'gotify-url' }` through a Gotify bridge. */
    readonly default: Notifier;
    readonly critical: Notifier;
    /** Seed 002: 10 s. */
    readonly groupWait: Duration;
    /** Seed 002: 1 h. */
    readonly repeatInterval: Duration;
    /** Seed 004: warnings batched into hourly summaries (first one after 30 min, ours). */
    readonly warnings: WarningBatching;
  };
  readonly grafana: {
    readonly adminUser: SecretKeyRef;
    readonly adminPassword: SecretKeyRef;
    /** Seed 004: 10 GB. */
    readonly storageSize: string;
    readonly resources: ResourcesProps;
  };
  readonly loki: {
    readonly retention: Duration;
    /** Seed 004: 20 GB. */
    readonly storageSize: string;
  };
  /** Seed 002 opens Prometheus on 30090 and Grafana on 30030 on every node; off unless asked for. */
  readonly nodePorts: { readonly enabled: boolean; readonly prometheus: number; readonly grafana: number };
  /**
   * Metric names and thresholds of every alert rule and dashboard, wherever it is declared.
   * Override one value by merging: `{ rules: { http: { latencyP95Seconds: 1 } } }`.
   */
  readonly rules: RulesConfig;
  /** @default - the cluster's default class (local-path on K3s) */
  readonly storageClassName?: string;
}

export const MONITORING_DEFAULTS: MonitoringConfig = {
  prometheus: {
    retention: PROMETHEUS_DEFAULTS.retention,
    retentionSize: '18GB',
    storageSize: '20Gi',
    scrapeInterval: PROMETHEUS_DEFAULTS.scrapeInterval,
    resources: PROMETHEUS_DEFAULTS.resources,
  },
  alertmanager: {
    webhooksSecret: 'alertmanager-webhooks',
    default: { type: 'discord', secretKey: 'discord-webhook-url' },
    critical: { type: 'discord', secretKey: 'discord-critical-webhook-url' },
    groupWait: ALERTMANAGER_DEFAULTS.groupWait,
    repeatInterval: ALERTMANAGER_DEFAULTS.repeatInterval,
    warnings: ALERTMANAGER_DEFAULTS.warnings,
  },
  grafana: {
    adminUser: { name: 'grafana-admin', key: 'admin-user' },
    adminPassword: { name: 'grafana-admin', key: 'admin-password' },
    storageSize: '10Gi',
    resources: GRAFANA_DEFAULTS.resources,
  },
  loki: { retention: Duration.days(14), storageSize: '20Gi' },
  nodePorts: { enabled: false, prometheus: 30090, grafana: 30030 },
  rules: RULES_CONFIG,
};

/** Its config's fields renamed to the construct props they set. */
const MONITORING_RENAMED = { 'prometheus.storage': 'prometheus.storageSize', 'grafana.storage': 'grafana.storageSize', 'loki.storage': 'loki.storageSize' };

/**
 * The monitoring stack, Pod Security "restricted": Prometheus, Alertmanager, Grafana, Loki, the
 * blackbox exporter and kube-state-metrics. Its rules, dashboards and probes are collected from
 * every chart's declarations in the `monitoring` step of the derive phase, so it may be created
 * anywhere among the app charts.
 */
export class MonitoringChart extends AppChart {
  public readonly config: MonitoringConfig;
  public readonly blackbox: BlackboxExporter;
  public readonly loki: Loki;
  public readonly kubeStateMetrics: KubeStateMetrics;

  constructor(platform: Platform, id = 'monitoring', overrides: Overrides<MonitoringConfig> = {}) {
    super(platform, id, { category: 'monitoring' });
    const config = withDefaults(MONITORING_DEFAULTS, refuseRenamed(this, overrides, MONITORING_RENAMED));
    this.config = config;

    this.blackbox = new BlackboxExporter(this, 'blackbox-exporter');
    this.kubeStateMetrics = new KubeStateMetrics(this, 'kube-state-metrics');
    declareDashboard(this, platformOverviewDashboard);
    declareAlerts(this, rules => stackTargetAlerts(this.namespace, rules));
    declareAlerts(this, rules => alertingPipelineAlerts(this.namespace, rules));
    const am = config.alertmanager;
    externalSecret(this, { name: am.webhooksSecret, keys: [am.default.secretKey, am.critical.secretKey], usedBy: "Alertmanager's receivers (read as files)" });
    this.loki = new Loki(this, 'loki', { ...config.loki, storageClassName: config.storageClassName });
    for (const ref of [config.grafana.adminUser, config.grafana.adminPassword]) {
      externalSecret(this, { name: ref.name, keys: [ref.key], usedBy: "Grafana's admin login" });
    }
    platform.onDerive(this, 'monitoring', () => this.derive(platform));
  }

  /**
   * The parts that read every chart's declarations (rule groups, dashboards, probes), so they
   * exist only once the derive phase has run: Alertmanager, Prometheus and Grafana.
   */
  private derive(platform: Platform): void {
    const config = this.config;
    const storageClassName = config.storageClassName;
    const declarations = collectDeclarations(platform, config.rules);
    const { webhooksSecret, ...routing } = config.alertmanager;
    const alertmanager = new Alertmanager(this, 'alertmanager', {
      webhooksSecret,
      routing: {
        ...routing,
        supersedes: declarations.ruleGroups.flatMap(g => g.rules.flatMap((r): [string, string][] => (r.supersedes ? [[r.alert, r.supersedes]] : []))),
      },
    });
    const prometheus = new Prometheus(this, 'prometheus', {
      ...config.prometheus,
      storageClassName,
      probes: config.rules.probes,
      alertmanager: alertmanager.address,
      blackboxExporter: this.blackbox.address,
      ruleGroups: declarations.ruleGroups,
      probeUrls: declarations.probeUrls,
      kubeStateMetrics: { namespace: this.namespace, name: this.kubeStateMetrics.identity.name },
      nodePort: config.nodePorts.enabled ? config.nodePorts.prometheus : undefined,
    });
    const grafana = new Grafana(this, 'grafana', {
      prometheusUrl: prometheus.url,
      lokiUrl: this.loki.url,
      scrapeInterval: config.prometheus.scrapeInterval,
      dashboards: declarations.dashboards,
      ...config.grafana,
      storageClassName,
      nodePort: config.nodePorts.enabled ? config.nodePorts.grafana : undefined,
    });
    this.declareConnections(platform, { prometheus, grafana, alertmanager });
  }

  /**
   * The stack's own edges, which its NetworkPolicies allow: Grafana reads Prometheus and Loki,
   * Prometheus alerts through Alertmanager and probes through the blackbox exporter, every Alloy
   * pushes to Loki. Prometheus's scrapes are derived from the scrape annotations, not listed here.
   */
  private declareConnections(platform: Platform, { prometheus, grafana, alertmanager }: { prometheus: Prometheus; grafana: Grafana; alertmanager: Alertmanager }): void {
    platform.addConnection(connection(grafana, prometheus), this);
    platform.addConnection(connection(grafana, this.loki), this);
    platform.addConnection(connection(prometheus, alertmanager), this);
    platform.addConnection(connection(prometheus, this.blackbox), this);
    platform.addExternalConnection(externalConnection(prometheus, 'kubernetes-api', 'Kubernetes service discovery of the pods and endpoints it scrapes'), this);
    platform.addExternalConnection(externalConnection(this.kubeStateMetrics, 'kubernetes-api', 'reads the state of every object it reports'), this);
    platform.addExternalConnection(externalConnection(alertmanager, 'internet', 'sends notifications to the receivers\' webhooks'), this);
    platform.addExternalConnection(externalConnection(this.blackbox, 'internet', 'probes the public hostnames from outside'), this);
    for (const alloy of this.loki.shippers) {
      platform.addConnection(connection(alloy, this.loki), this);
      platform.addExternalConnection(externalConnection(alloy, 'kubernetes-api', 'discovers the pods whose logs it ships'), this);
    }
  }
}

/** node-exporter in a namespace of its own, the only monitoring piece besides Alloy with host access. */
export class NodeExporterChart extends AppChart {
  constructor(platform: Platform, id = 'node-exporter') {
    super(platform, id, {
      category: 'monitoring',
      podSecurity: PodSecurity.privileged('node-exporter uses the host network and reads /proc, /sys and / of the node, read-only'),
    });
    new NodeExporter(this, 'node-exporter');
  }
}

/**
 * Alloy in a namespace of its own: it reads every pod's log files on its node, and ships them to
 * the Loki it is given (the monitoring chart's).
 */
export class AlloyChart extends AppChart {
  constructor(platform: Platform, id: string, props: { loki: Loki; namespaces?: string[] }) {
    super(platform, id, {
      category: 'monitoring',
      podSecurity: PodSecurity.privileged('Alloy runs as root to read /var/log/pods of its node through a read-only hostPath'),
    });
    new Alloy(this, 'alloy', { loki: props.loki, namespaces: props.namespaces });
  }
}
