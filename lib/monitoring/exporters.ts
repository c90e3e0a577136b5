import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { resolveProps } from '../config';
import { stringify } from 'yaml';
import { IMAGES } from '../images';
import { ComponentIdentity, standardLabels } from '../k8s/labels';
import { Probe } from '../k8s/probe';
import { Volume } from '../k8s/volume';
import { AppChart } from '../platform/app-chart';
import { Platform } from '../platform/platform';
import { exempt } from '../rules/exemption';
import { ResourcesProps } from '../workloads/resources';
import { declareAlerts } from './declarations';
import { gpuMemoryAlerts } from './gpu-alerts';
import { nodeAlerts, probeAlerts, stackTargetAlerts } from './platform-alerts';
import { clusterReader, MonitoringWorkload } from './workload';

export const BLACKBOX_PORT = 9115;
export const BLACKBOX_MODULE = 'http_2xx';

/** blackbox.yml: one module that expects a 2xx over HTTPS within 10 s, following redirects. */
export function renderBlackboxConfig(): string {
  return stringify({
    modules: {
      [BLACKBOX_MODULE]: {
        prober: 'http',
        timeout: '10s',
        http: { preferred_ip_protocol: 'ip4', follow_redirects: true, fail_if_not_ssl: true },
      },
    },
  }, { lineWidth: 0 });
}

/** Every default of the exporters; `ExporterProps`' `@default`s name these values. */
export const EXPORTER_DEFAULTS = {
  blackbox: { image: IMAGES.blackboxExporter, resources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } } as ResourcesProps },
  kubeStateMetrics: { image: IMAGES.kubeStateMetrics, resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } } as ResourcesProps },
  nodeExporter: { image: IMAGES.nodeExporter, resources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } } as ResourcesProps },
};

export interface ExporterProps {
  /** @default EXPORTER_DEFAULTS.<exporter>.image (its pin in IMAGES) */
  readonly image?: string;
  /** @default EXPORTER_DEFAULTS.<exporter>.resources (20m / 32Mi requested, 200m / 64Mi at most; kube-state-metrics 50m / 64Mi, 200m / 256Mi) */
  readonly resources?: ResourcesProps;
}

/** The blackbox exporter (seed 004): probes URLs for Prometheus, and declares the alert on them. */
export class BlackboxExporter extends Construct {
  public readonly identity: ComponentIdentity;
  public readonly port = BLACKBOX_PORT;
  public readonly config: string;
  public readonly workload: MonitoringWorkload;

  constructor(scope: Construct, id: string, props: ExporterProps = {}) {
    super(scope, id);
    const p = resolveProps(EXPORTER_DEFAULTS.blackbox, props);
    const identity = { name: 'blackbox-exporter', app: AppChart.of(this).appName, component: 'probes' };
    this.identity = identity;
    this.config = renderBlackboxConfig();
    new k8s.KubeConfigMap(this, 'ConfigMap', { metadata: { name: 'blackbox-exporter-config', labels: standardLabels(identity) }, data: { 'blackbox.yml': this.config } });
    this.workload = new MonitoringWorkload(this, 'Workload', {
      identity,
      runAs: { user: 65534, group: 65534 },
      metrics: { port: BLACKBOX_PORT },
      configFiles: { 'blackbox.yml': this.config },
      servicePorts: [{ name: 'http', port: BLACKBOX_PORT }],
      containers: [{
        name: 'blackbox-exporter',
        image: p.image,
        args: ['--config.file=/etc/blackbox/blackbox.yml', `--web.listen-address=:${BLACKBOX_PORT}`],
        ports: [{ name: 'http', port: BLACKBOX_PORT }],
        mounts: [{ volume: Volume.configMap('config', 'blackbox-exporter-config'), path: '/etc/blackbox', readOnly: true }],
        resources: p.resources,
        readiness: Probe.http('/-/healthy', { period: Duration.seconds(10) }),
        liveness: Probe.http('/-/healthy', { initialDelay: Duration.seconds(10), period: Duration.seconds(20), failureThreshold: 5 }),
      }],
    });
    declareAlerts(this, probeAlerts);
  }

  public get address(): string {
    return `${this.identity.name}:${this.port}`;
  }
}

/** The objects kube-state-metrics turns into metrics; its ClusterRole may list and watch exactly these. */
const KSM_RESOURCES: { group: string; resource: string }[] = ([
  ['', 'namespaces', 'namespaces'], ['', 'nodes', 'nodes'], ['', 'pods', 'pods'], ['', 'services', 'services'],
  ['', 'persistentvolumeclaims', 'persistentvolumeclaims'], ['', 'persistentvolumes', 'persistentvolumes'],
  ['apps', 'deployments', 'deployments'], ['apps', 'statefulsets', 'statefulsets'], ['apps', 'daemonsets', 'daemonsets'], ['apps', 'replicasets', 'replicasets'],
  ['batch', 'jobs', 'jobs'], ['batch', 'cronjobs', 'cronjobs'],
  ['autoscaling', 'horizontalpodautoscalers', 'horizontalpodautoscalers'],
  ['policy', 'poddisruptionbudgets', 'poddisruptionbudgets'],
] as const).map(([group, resource]) => ({ group, resource }));

/** kube-state-metrics: pods by phase, restarts, replicas and the like, for the overview dashboard. */
export class KubeStateMetrics extends Construct {
  public readonly identity: ComponentIdentity;
  public readonly workload: MonitoringWorkload;

  constructor(scope: Construct, id: string, props: ExporterProps = {}) {
    super(scope, id);
    const p = resolveProps(EXPORTER_DEFAULTS.kubeStateMetrics, props);
    const identity = { name: 'kube-state-metrics', app: AppChart.of(this).appName, component: 'metrics-exporter' };
    this.identity = identity;
    const groups = [...new Set(KSM_RESOURCES.map(r => r.group))];
    const serviceAccountName = clusterReader(this, identity, groups.map(group => ({
      apiGroups: [group],
      resources: KSM_RESOURCES.filter(r => r.group === group).map(r => r.resource),
      verbs: ['list', 'watch'],
    })));
    this.workload = new MonitoringWorkload(this, 'Workload', {
      identity,
      serviceAccountName,
      automountServiceAccountToken: true,
      runAs: { user: 65534, group: 65534 },
      metrics: { port: 8080 },
      // /readyz is served on the telemetry port, /livez on the main one.
      readinessPort: 'telemetry',
      containers: [{
        name: 'kube-state-metrics',
        image: p.image,
        args: ['--port=8080', '--telemetry-port=8081', `--resources=${KSM_RESOURCES.map(r => r.resource).join(',')}`],
        ports: [{ name: 'http', port: 8080 }, { name: 'telemetry', port: 8081 }],
        resources: p.resources,
        readiness: Probe.http('/readyz', { period: Duration.seconds(10) }),
        liveness: Probe.http('/livez', { initialDelay: Duration.seconds(10), period: Duration.seconds(20), failureThreshold: 5 }),
      }],
    });
  }
}

export const NODE_EXPORTER_PORT = 9100;

/**
 * node-exporter on every node: host CPU, memory, disk and network. It needs the host's network
 * namespace (its network statistics) and read-only views of the host's /proc, /sys and root
 * filesystem; it still runs as nobody with no capabilities. Declares HighCPUUsage (seed 002), and
 * GpuMemoryPressure where AMD GPUs are declared (its drm collector).
 */
export class NodeExporter extends Construct {
  public readonly workload: MonitoringWorkload;

  constructor(scope: Construct, id: string, props: ExporterProps = {}) {
    super(scope, id);
    const p = resolveProps(EXPORTER_DEFAULTS.nodeExporter, props);
    const identity = { name: 'node-exporter', app: AppChart.of(this).appName, component: 'metrics-exporter' };
    const health = Probe.http('/', { period: Duration.seconds(10) });
    // AMD GPUs report their memory through DRM in /sys; the device plugin's chart ships no exporter.
    const amdGpus = Platform.of(this).gpus.some(p => p.vendor === 'amd');
    this.workload = new MonitoringWorkload(this, 'Workload', {
      identity,
      kind: 'DaemonSet',
      hostNetwork: true,
      runAs: { user: 65534, group: 65534 },
      metrics: { port: NODE_EXPORTER_PORT },
      tolerations: [{ operator: 'Exists' }],
      containers: [{
        name: 'node-exporter',
        image: p.image,
        args: [
          '--path.procfs=/host/proc',
          '--path.sysfs=/host/sys',
          '--path.rootfs=/host/root',
          `--web.listen-address=:${NODE_EXPORTER_PORT}`,
          '--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run|var/lib/kubelet/.+|var/lib/rancher/k3s/agent/.+)($|/)',
          ...(amdGpus ? ['--collector.drm'] : []),
        ],
        ports: [{ name: 'metrics', port: NODE_EXPORTER_PORT }],
        mounts: [
          { volume: Volume.hostPath('proc', '/proc'), path: '/host/proc', readOnly: true },
          { volume: Volume.hostPath('sys', '/sys'), path: '/host/sys', readOnly: true },
          { volume: Volume.hostPath('root', '/'), path: '/host/root', readOnly: true },
        ],
        resources: p.resources,
        readiness: health,
        liveness: health.withTimings({ initialDelay: Duration.seconds(10), period: Duration.seconds(20), failureThreshold: 5 }),
      }],
    });
    const ds = this.workload.workload;
    exempt(ds, 'pod-security.host-namespaces', 'node-exporter reports the network statistics of the node, which only the host network namespace shows');
    exempt(ds, 'pod-security.host-ports', `with the host network, its metrics port ${NODE_EXPORTER_PORT} is a port of the node`);
    exempt(ds, 'pod-security.host-path', 'node-exporter reads the host\'s /proc, /sys and root filesystem, read-only, to report node CPU, memory and disk');
    const namespace = AppChart.of(this).namespace;
    declareAlerts(this, nodeAlerts);
    if (amdGpus) declareAlerts(this, gpuMemoryAlerts);
    declareAlerts(this, config => stackTargetAlerts(namespace, config));
  }
}
