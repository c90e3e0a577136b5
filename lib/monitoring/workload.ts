import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { checksum } from '../k8s/checksum';
import { ComponentIdentity, selectorLabels, standardLabels } from '../k8s/labels';
import { AppChart } from '../platform/app-chart';
import { PodSpecProps, renderPodTemplate } from '../workloads/pod';
import { MetricsEndpoint, scrapeAnnotations } from './scrape';

export interface MonitoringWorkloadProps extends PodSpecProps {
  readonly identity: ComponentIdentity;
  /** @default 'Deployment' */
  readonly kind?: 'Deployment' | 'DaemonSet';
  /**
   * Where the pods serve metrics; they are then scraped like every other pod.
   * @default - not scraped
   */
  readonly metrics?: MetricsEndpoint;
  /** Config files the pods load; their checksum is a pod annotation, so a change rolls the pods. */
  readonly configFiles?: Record<string, string>;
  /** Ports of the Service, by container port name. @default - no Service */
  readonly servicePorts?: { name: string; port: number; nodePort?: number }[];
  /** @default - none: the pods avoid tainted nodes */
  readonly tolerations?: k8s.Toleration[];
  /**
   * Named port of the first container's HTTP readiness probe, when it is not the port of the
   * other probes (kube-state-metrics answers /readyz on its telemetry port).
   * @default - the container's probe port
   */
  readonly readinessPort?: string;
}

/**
 * One pod of a monitoring component, Pod Security "restricted" through renderPodTemplate. A
 * Deployment runs exactly one pod and is replaced with `Recreate`: each of these components owns
 * a ReadWriteOnce volume or in-memory state that a second copy must not share.
 */
export class MonitoringWorkload extends Construct {
  public readonly identity: ComponentIdentity;
  public readonly workload: k8s.KubeDeployment | k8s.KubeDaemonSet;
  public readonly service?: k8s.KubeService;

  constructor(scope: Construct, id: string, props: MonitoringWorkloadProps) {
    super(scope, id);
    this.identity = props.identity;
    const labels = standardLabels(props.identity);
    const metadata = { name: props.identity.name, labels };
    const annotations = {
      ...(props.metrics ? scrapeAnnotations(props.metrics) : {}),
      ...(props.configFiles ? { 'checksum/config': checksum(Object.keys(props.configFiles).sort().map(k => `${k}\n${props.configFiles![k]}`).join('\n')) } : {}),
      ...props.annotations,
    };
    const rendered = renderPodTemplate(this, labels, { ...props, annotations: Object.keys(annotations).length ? annotations : undefined });
    const [first, ...others] = rendered.spec!.containers;
    const readiness = props.readinessPort && first.readinessProbe?.httpGet
      ? { ...first.readinessProbe, httpGet: { ...first.readinessProbe.httpGet, port: k8s.IntOrString.fromString(props.readinessPort) } }
      : first.readinessProbe;
    const template = {
      ...rendered,
      spec: { ...rendered.spec!, containers: [{ ...first, readinessProbe: readiness }, ...others], tolerations: props.tolerations },
    };
    const selector = { matchLabels: selectorLabels(props.identity) };
    this.workload = props.kind === 'DaemonSet'
      ? new k8s.KubeDaemonSet(this, 'DaemonSet', {
        metadata,
        spec: { selector, template, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) } } },
      })
      : new k8s.KubeDeployment(this, 'Deployment', {
        metadata,
        spec: { replicas: 1, selector, strategy: { type: 'Recreate' }, template },
      });
    if (props.servicePorts?.length) {
      const nodePorts = props.servicePorts.some(p => p.nodePort !== undefined);
      this.service = new k8s.KubeService(this, 'Service', {
        metadata,
        spec: {
          type: nodePorts ? 'NodePort' : undefined,
          selector: selectorLabels(props.identity),
          ports: props.servicePorts.map(p => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), nodePort: p.nodePort })),
        },
      });
    }
  }

  /** `http://<service>.<namespace>.svc.cluster.local:<port>`, for callers in other namespaces. */
  public clusterUrl(port: number): string {
    return `http://${this.identity.name}.${AppChart.of(this).namespace}.svc.cluster.local:${port}`;
  }
}

/**
 * A ServiceAccount bound to a ClusterRole with exactly `rules`. The ClusterRole and its binding are
 * named `<app>-<component>`, so two apps never collide on a cluster-wide name.
 */
export function clusterReader(scope: Construct, identity: ComponentIdentity, rules: k8s.PolicyRule[]): string {
  const chart = AppChart.of(scope);
  const labels = standardLabels(identity);
  const clusterName = identity.app === identity.name ? identity.name : `${identity.app}-${identity.name}`;
  new k8s.KubeServiceAccount(scope, 'ServiceAccount', {
    metadata: { name: identity.name, labels },
    // Only the pods that need the API mount a token (automountServiceAccountToken in their spec).
    automountServiceAccountToken: false,
  });
  new k8s.KubeClusterRole(scope, 'ClusterRole', { metadata: { name: clusterName, labels }, rules });
  new k8s.KubeClusterRoleBinding(scope, 'ClusterRoleBinding', {
    metadata: { name: clusterName, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
    subjects: [{ kind: 'ServiceAccount', name: identity.name, namespace: chart.namespace }],
  });
  return identity.name;
}
