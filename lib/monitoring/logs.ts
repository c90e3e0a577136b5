import { Duration, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { resolveProps } from '../config';
import { stringify } from 'yaml';
import { IMAGES } from '../images';
import { EnvValue } from '../k8s/env';
import { ComponentIdentity, standardLabels } from '../k8s/labels';
import { Probe } from '../k8s/probe';
import { Volume } from '../k8s/volume';
import { AppChart } from '../platform/app-chart';
import { VolumeClaim } from '../storage/volume-claim';
import { exempt } from '../rules/exemption';
import { ResourcesProps } from '../workloads/resources';
import { declareAlerts } from './declarations';
import { stackTargetAlerts } from './platform-alerts';
import { clusterReader, MonitoringWorkload } from './workload';

export const LOKI_PORT = 3100;

/** Loki's config: monolithic, one replica, TSDB index and chunks on the local filesystem, retention by the compactor. */
export function renderLokiConfig(retention: Duration): string {
  return stringify({
    auth_enabled: false,
    server: { http_listen_port: LOKI_PORT, grpc_listen_port: 9095, log_level: 'info' },
    common: {
      path_prefix: '/loki',
      replication_factor: 1,
      ring: { instance_addr: '127.0.0.1', kvstore: { store: 'inmemory' } },
      storage: { filesystem: { chunks_directory: '/loki/chunks', rules_directory: '/loki/rules' } },
    },
    schema_config: {
      configs: [{ from: '2025-01-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'index_', period: '24h' } }],
    },
    limits_config: { retention_period: `${retention.toHours()}h`, reject_old_samples: true, reject_old_samples_max_age: '168h' },
    compactor: { working_directory: '/loki/compactor', retention_enabled: true, delete_request_store: 'filesystem' },
    analytics: { reporting_enabled: false },
  }, { lineWidth: 0 });
}

/** Every default of `Loki` and `Alloy`; their props' `@default`s name these values. */
export const LOGS_DEFAULTS = {
  loki: { image: IMAGES.loki, resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } } as ResourcesProps },
  alloy: { image: IMAGES.alloy, resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } } as ResourcesProps },
};

export interface LokiProps {
  /** How long logs are kept. */
  readonly retention: Duration;
  readonly storageSize: string;
  readonly storageClassName?: string;
  /** @default LOGS_DEFAULTS.loki.resources (requests 100m / 256Mi, limits 1 CPU / 1Gi) */
  readonly resources?: ResourcesProps;
  /** @default LOGS_DEFAULTS.loki.image (IMAGES.loki) */
  readonly image?: string;
}

/** Loki in monolithic mode with its chunks and index on a PersistentVolumeClaim. */
export class Loki extends Construct {
  public readonly identity: ComponentIdentity;
  public readonly port = LOKI_PORT;
  public readonly config: string;
  public readonly workload: MonitoringWorkload;
  private readonly shipping: Alloy[] = [];

  constructor(scope: Construct, id: string, props: LokiProps) {
    super(scope, id);
    const p = resolveProps(LOGS_DEFAULTS.loki, props);
    const identity = { name: 'loki', app: AppChart.of(this).appName, component: 'logs' };
    this.identity = identity;
    this.config = renderLokiConfig(p.retention);
    new k8s.KubeConfigMap(this, 'ConfigMap', { metadata: { name: 'loki-config', labels: standardLabels(identity) }, data: { 'loki.yaml': this.config } });
    const data = new VolumeClaim(this, 'Data', { name: 'loki-data', size: p.storageSize, storageClassName: p.storageClassName, owner: identity });
    this.workload = new MonitoringWorkload(this, 'Workload', {
      identity,
      // The image's loki user.
      runAs: { user: 10001, group: 10001 },
      metrics: { port: LOKI_PORT },
      configFiles: { 'loki.yaml': this.config },
      servicePorts: [{ name: 'http', port: LOKI_PORT }],
      containers: [{
        name: 'loki',
        image: p.image,
        args: ['-config.file=/etc/loki/loki.yaml', '-target=all'],
        ports: [{ name: 'http', port: LOKI_PORT }],
        mounts: [
          { volume: Volume.configMap('config', 'loki-config'), path: '/etc/loki', readOnly: true },
          { volume: data.volume('data'), path: '/loki' },
          { volume: Volume.emptyDir('tmp'), path: '/tmp' },
        ],
        resources: p.resources,
        readiness: Probe.http('/ready', { period: Duration.seconds(10), initialDelay: Duration.seconds(15) }),
        liveness: Probe.http('/ready', { initialDelay: Duration.seconds(60), period: Duration.seconds(30), failureThreshold: 5 }),
      }],
    });
  }

  /** Its address inside its own namespace, for Grafana. */
  public get url(): string {
    return `http://${this.identity.name}:${this.port}`;
  }

  /** Its push endpoint, for log shippers in other namespaces. */
  public get pushUrl(): string {
    return `http://${this.identity.name}.${AppChart.of(this).namespace}.svc.cluster.local:${this.port}/loki/api/v1/push`;
  }

  /** The log shippers pushing to it, in construct-path order: the monitoring chart allows their pushes. */
  public get shippers(): Alloy[] {
    return [...this.shipping].sort((a, b) => (a.node.path < b.node.path ? -1 : 1));
  }

  /** @internal called by Alloy's constructor */
  public _addShipper(shipper: Alloy): void {
    this.shipping.push(shipper);
  }
}

export const ALLOY_PORT = 12345;
const POD_LOGS = '/var/log/pods';

/**
 * Alloy's pipeline: discover the pods of this node, tail their files under /var/log/pods, parse
 * the CRI format and JSON fields, and push to Loki with the labels Prometheus uses (namespace,
 * pod, container, app, service), so metrics and logs of one pod line up in Grafana.
 */
export function renderAlloyConfig(lokiPushUrl: string, namespaces: string[] = []): string {
  const ns = namespaces.length ? `\n  namespaces {\n    names = [${namespaces.map(n => JSON.stringify(n)).join(', ')}]\n  }` : '';
  return `// Generated by the platform repository. Alloy config syntax:
// https://grafana.com/docs/alloy/latest/get-started/configuration-syntax/

discovery.kubernetes "pods" {
  role = "pod"
  selectors {
    role  = "pod"
    field = "spec.nodeName=" + sys.env("NODE_NAME")
  }${ns}
}

discovery.relabel "pod_logs" {
  targets = discovery.kubernetes.pods.targets

  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_name"]
    target_label  = "pod"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_container_name"]
    target_label  = "container"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_part_of"]
    target_label  = "app"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_label_cnpg_io_cluster"]
    regex         = "(.+)"
    target_label  = "service"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]
    regex         = "(.+)"
    target_label  = "service"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_uid", "__meta_kubernetes_pod_container_name"]
    separator     = "/"
    replacement   = "${POD_LOGS}/*$1/*.log"
    target_label  = "__path__"
  }
}

local.file_match "pod_logs" {
  path_targets = discovery.relabel.pod_logs.output
}

loki.source.file "pod_logs" {
  targets    = local.file_match.pod_logs.targets
  forward_to = [loki.process.pod_logs.receiver]
}

loki.process "pod_logs" {
  stage.cri {}

  // Structured lines: lift the level into a label, keep the rest queryable with | json.
  stage.json {
    expressions = { level = "level" }
  }
  stage.labels {
    values = { level = "" }
  }

  forward_to = [loki.write.default.receiver]
}

loki.write "default" {
  endpoint {
    url = ${JSON.stringify(lokiPushUrl)}
  }
}
`;
}

export interface AlloyProps {
  /** The Loki it pushes to (the monitoring chart's `loki`), which allows its pushes. */
  readonly loki: Loki;
  /** Only ship the logs of these namespaces. @default - every namespace */
  readonly namespaces?: string[];
  /** @default LOGS_DEFAULTS.alloy.resources (requests 50m / 128Mi, limits 500m / 256Mi) */
  readonly resources?: ResourcesProps;
  /** @default LOGS_DEFAULTS.alloy.image (IMAGES.alloy) */
  readonly image?: string;
}

/**
 * Grafana Alloy on every node, shipping pod logs to Loki (Promtail's successor). It reads
 * /var/log/pods read-only, and runs as root because the kubelet writes those files readable by
 * root only; it has no capabilities, no host network and a read-only root filesystem.
 */
export class Alloy extends Construct {
  public readonly identity: ComponentIdentity;
  public readonly config: string;
  public readonly workload: MonitoringWorkload;

  constructor(scope: Construct, id: string, props: AlloyProps) {
    super(scope, id);
    const p = resolveProps(LOGS_DEFAULTS.alloy, props);
    const identity = { name: 'alloy', app: AppChart.of(this).appName, component: 'log-shipper' };
    this.identity = identity;
    this.config = renderAlloyConfig(p.loki.pushUrl, p.namespaces);
    new k8s.KubeConfigMap(this, 'ConfigMap', { metadata: { name: 'alloy-config', labels: standardLabels(identity) }, data: { 'config.alloy': this.config } });
    const serviceAccountName = clusterReader(this, identity, [
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
    ]);
    this.workload = new MonitoringWorkload(this, 'Workload', {
      identity,
      kind: 'DaemonSet',
      serviceAccountName,
      automountServiceAccountToken: true,
      runAs: { user: 0, group: 0 },
      metrics: { port: ALLOY_PORT },
      configFiles: { 'config.alloy': this.config },
      tolerations: [{ operator: 'Exists' }],
      containers: [{
        name: 'alloy',
        image: p.image,
        args: ['run', '/etc/alloy/config.alloy', `--server.http.listen-addr=0.0.0.0:${ALLOY_PORT}`, '--storage.path=/var/lib/alloy/data', '--disable-reporting'],
        env: { NODE_NAME: EnvValue.fromField('spec.nodeName') },
        ports: [{ name: 'http', port: ALLOY_PORT }],
        mounts: [
          { volume: Volume.configMap('config', 'alloy-config'), path: '/etc/alloy', readOnly: true },
          { volume: Volume.hostPath('pod-logs', POD_LOGS), path: POD_LOGS, readOnly: true },
          // Read positions survive container restarts, not pod replacement.
          { volume: Volume.emptyDir('data'), path: '/var/lib/alloy/data' },
          { volume: Volume.emptyDir('tmp'), path: '/tmp' },
        ],
        resources: p.resources,
        readiness: Probe.http('/-/ready', { period: Duration.seconds(10) }),
        liveness: Probe.http('/-/healthy', { initialDelay: Duration.seconds(10), period: Duration.seconds(20), failureThreshold: 5 }),
      }],
    });
    const ds = this.workload.workload;
    // renderPodTemplate's runAsNonRoot cannot hold for a root user.
    ds.addJsonPatch(JsonPatch.replace('/spec/template/spec/securityContext/runAsNonRoot', false));
    exempt(ds, 'pod-security.run-as-non-root', 'the kubelet writes /var/log/pods readable by root only; Alloy runs as root with every capability dropped');
    exempt(ds, 'pod-security.host-path', 'Alloy tails the pod log files under /var/log/pods on its node, mounted read-only');
    const namespace = AppChart.of(this).namespace;
    declareAlerts(this, config => stackTargetAlerts(namespace, config));
    p.loki._addShipper(this);
  }
}
