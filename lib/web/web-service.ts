import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { Resolved, resolveProps } from '../config';
import { fail } from '../errors';
import { EnvMap } from '../k8s/env';
import { ComponentIdentity, selectorLabels, standardLabels } from '../k8s/labels';
import { assertPinnedImage } from '../k8s/image';
import { assertDnsLabel, assertHostname, assertPort } from '../k8s/names';
import { Probe } from '../k8s/probe';
import { RunAs } from '../k8s/security';
import { Mount } from '../k8s/volume';
import { declareAlerts, declareDashboard } from '../monitoring/declarations';
import { goldenSignalsDashboard } from '../monitoring/dashboards';
import { MetricsEndpoint, scrapeAnnotations } from '../monitoring/scrape';
import { httpServiceAlerts } from '../monitoring/service-alerts';
import { AppChart } from '../platform/app-chart';
import { ConnectionTarget, ServiceEndpoint, connection, externalConnection } from '../platform/connections';
import { Platform } from '../platform/platform';
import { Exposure, Routes } from '../networking/routes';
import { renderPodTemplate } from '../workloads/pod';
import { ResourcesProps, checkResources } from '../workloads/resources';

/** Scale on CPU between two bounds instead of a fixed replica count. */
export interface AutoscalingProps {
  /**
   * Fewest pods the autoscaler keeps.
   * @default WEB_SERVICE_DEFAULTS.autoscaler.minReplicas (2)
   */
  readonly minReplicas?: number;
  /** Most pods the autoscaler starts; at least `minReplicas`. */
  readonly maxReplicas: number;
  /**
   * Average CPU use, as a percentage of the CPU request, that the autoscaler aims for.
   * @default WEB_SERVICE_DEFAULTS.autoscaler.cpuUtilization (70)
   * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
   */
  readonly cpuUtilization?: number;
}

/**
 * Publish the service: routes rendered as an Ingress or an HTTPRoute by the platform's
 * `entryPoints` setting (lib/networking/routes.ts).
 */
export interface WebIngressProps {
  /** Hostnames the service answers on, each a fully qualified DNS name. */
  readonly hosts: string[];
  /**
   * Path prefix routed to the service.
   * @default '/'
   */
  readonly path?: string;
  /**
   * IngressClass to use when routes render as Ingress.
   * @default the platform's `entryPoints.ingressClassName` ('traefik', K3s's built-in controller, seed 004)
   */
  readonly className?: string;
  /**
   * Public hostnames get DNS records, a Let's Encrypt certificate and the external Gateway; internal
   * ones the internal Gateway only.
   * @default 'public'
   */
  readonly exposure?: Exposure;
}

export interface WebServiceProps {
  /** Name of the Deployment, Service and every other object. @default the construct id */
  readonly name?: string;
  /** Value of app.kubernetes.io/component. @default WEB_SERVICE_DEFAULTS.component ('server') */
  readonly component?: string;
  /** Container image, pinned to a version tag. */
  readonly image: string;
  /** Port the container listens on. */
  readonly port: number;
  /** Port the Service listens on. @default the container port */
  readonly servicePort?: number;
  /**
   * Fixed number of pods; mutually exclusive with `autoscaling`.
   * @default WEB_SERVICE_DEFAULTS.replicas (2, seed 000: two replicas for zero-downtime deploys)
   */
  readonly replicas?: number;
  /** A HorizontalPodAutoscaler; the Deployment then leaves `replicas` to it. @default - fixed replicas */
  readonly autoscaling?: AutoscalingProps;
  /**
   * Requests and limits of the container.
   * @default WEB_SERVICE_DEFAULTS.resources (requests 100m CPU / 128Mi, limits 500m CPU / 512Mi, seed 004)
   */
  readonly resources?: ResourcesProps;
  /**
   * When the pod may receive traffic.
   * @default WEB_SERVICE_DEFAULTS.readiness (GET /health/ after 60 s, every 15 s, 3 failures, seed 000)
   */
  readonly readiness?: Probe;
  /**
   * When the container is restarted.
   * @default WEB_SERVICE_DEFAULTS.liveness (GET /health/ after 90 s, every 30 s, 5 failures, seed 000)
   */
  readonly liveness?: Probe;
  /**
   * Time the container keeps serving after removal from the Service, so in-flight requests drain.
   * @default WEB_SERVICE_DEFAULTS.preStopSleep (15 s, seed 000)
   */
  readonly preStopSleep?: Duration;
  /**
   * Time from the start of termination to SIGKILL; must exceed `preStopSleep`.
   * @default preStopSleep + WEB_SERVICE_DEFAULTS.drainHeadroom (30 s)
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * The container's entrypoint.
   * @default - the image's ENTRYPOINT
   */
  readonly command?: string[];
  /**
   * Arguments to the entrypoint.
   * @default - the image's CMD
   */
  readonly args?: string[];
  /** Environment variables: plain values, or `EnvValue.fromSecret(...)` and `EnvValue.fromConfigMap(...)`. */
  readonly env?: EnvMap;
  /** Volumes mounted into the container (`VolumeClaim.volume()`, `Volume.emptyDir()`, `Volume.configMap()`, `Volume.secret()`). */
  readonly mounts?: Mount[];
  /**
   * User and group the container runs as (never root).
   * @default UID and GID 1000
   */
  readonly runAs?: RunAs;
  /** Annotations of the pods, e.g. a checksum of mounted config so a change rolls them. */
  readonly podAnnotations?: Record<string, string>;
  /**
   * Whether the container's root filesystem is read-only; mount an `emptyDir` where it writes.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Publish the service on hostnames (an Ingress or HTTPRoute, a certificate, DNS).
   * @default - reachable inside the cluster only
   */
  readonly ingress?: WebIngressProps;
  /**
   * Also expose the Service on this port of every node (30000-32767), as seed 002 does.
   * @default - a ClusterIP Service
   */
  readonly nodePort?: number;
  /**
   * Where the container serves Prometheus metrics; the pods are then scraped, and the service gets
   * the HTTP alerts of seed 002 and a golden-signals dashboard (lib/monitoring).
   * @default - not scraped
   */
  readonly metrics?: MetricsEndpoint;
}

export const WEB_SERVICE_DEFAULTS = {
  replicas: 2,
  component: 'server',
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
  readiness: Probe.http('/health/', { initialDelay: Duration.seconds(60), period: Duration.seconds(15), failureThreshold: 3 }),
  liveness: Probe.http('/health/', { initialDelay: Duration.seconds(90), period: Duration.seconds(30), failureThreshold: 5 }),
  preStopSleep: Duration.seconds(15),
  /** What `terminationGracePeriod` adds to `preStopSleep` when it is not given. */
  drainHeadroom: Duration.seconds(30),
  /** Of `autoscaling`, which has no default itself. */
  autoscaler: { minReplicas: 2, cpuUtilization: 70 },
} as const;

const PORT_NAME = 'http';

type ResolvedAutoscaling = Resolved<AutoscalingProps, typeof WEB_SERVICE_DEFAULTS.autoscaler>;

/**
 * A stateless HTTP workload: Deployment + Service, a PodDisruptionBudget and spread across nodes
 * when it runs more than one pod, optionally a HorizontalPodAutoscaler and an Ingress.
 * Zero-downtime by default: one extra pod during a rollout, none removed before its successor is
 * ready, and a drain period before SIGTERM.
 */
export class WebService extends Construct {
  public readonly name: string;
  public readonly identity: ComponentIdentity;
  /** Port the Service listens on. */
  public readonly servicePort: number;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  public readonly podDisruptionBudget?: k8s.KubePodDisruptionBudget;
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  /** The routes of `ingress`, rendered as an Ingress or an HTTPRoute. */
  public readonly routes?: Routes;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    const chart = AppChart.of(this);
    // `replicas` as written: with autoscaling it must be absent, not defaulted.
    if (props.autoscaling && props.replicas !== undefined) {
      fail(this, 'replicas', 'cannot be set together with autoscaling; the HorizontalPodAutoscaler owns the replica count');
    }
    const p = resolveProps(WEB_SERVICE_DEFAULTS, props);
    const autoscaling = p.autoscaling && resolveProps(WEB_SERVICE_DEFAULTS.autoscaler, p.autoscaling);
    this.name = assertDnsLabel(this, 'name', p.name ?? id);
    this.identity = { name: this.name, app: chart.appName, component: p.component };
    assertPort(this, 'port', p.port);
    if (p.metrics) assertPort(this, 'metrics.port', p.metrics.port);
    this.servicePort = assertPort(this, 'servicePort', p.servicePort ?? p.port);

    // Checked here so that messages name the props as written (`image`, not `container.image`).
    assertPinnedImage(this, 'image', p.image);
    checkResources(this, 'resources', p.resources);
    const replicas = autoscaling ? this.checkAutoscaling(autoscaling) : this.checkReplicas(p.replicas);
    const preStopSleep = p.preStopSleep;
    const grace = p.terminationGracePeriod ?? Duration.seconds(preStopSleep.toSeconds() + WEB_SERVICE_DEFAULTS.drainHeadroom.toSeconds());
    if (grace.toSeconds() <= preStopSleep.toSeconds()) {
      fail(this, 'terminationGracePeriod', `${grace.toSeconds()}s must exceed preStopSleep (${preStopSleep.toSeconds()}s), or SIGKILL arrives before the app sees SIGTERM`);
    }

    const labels = standardLabels(this.identity);
    const selector = selectorLabels(this.identity);
    const metadata = { name: this.name, labels };
    const replicated = replicas >= 2;

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata,
      spec: {
        replicas: autoscaling ? undefined : replicas,
        selector: { matchLabels: selector },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) },
        },
        template: renderPodTemplate(this, labels, {
          runAs: p.runAs,
          annotations: p.metrics || p.podAnnotations
            ? { ...(p.metrics ? scrapeAnnotations(p.metrics) : {}), ...p.podAnnotations }
            : undefined,
          terminationGracePeriod: grace,
          spread: replicated ? { labels: selector, rolloutLabelKey: 'pod-template-hash' } : undefined,
          containers: [{
            name: this.name,
            image: p.image,
            ports: [
              { name: PORT_NAME, port: p.port },
              ...(p.metrics && p.metrics.port !== p.port ? [{ name: 'metrics', port: p.metrics.port }] : []),
            ],
            command: p.command,
            args: p.args,
            env: p.env,
            mounts: p.mounts,
            resources: p.resources,
            readiness: p.readiness,
            liveness: p.liveness,
            preStopSleep,
            readOnlyRootFilesystem: p.readOnlyRootFilesystem,
          }],
        }),
      },
    });

    if (p.nodePort !== undefined && !(Number.isInteger(p.nodePort) && p.nodePort >= 30000 && p.nodePort <= 32767)) {
      fail(this, 'nodePort', `${p.nodePort} is outside the NodePort range 30000-32767`);
    }
    this.service = new k8s.KubeService(this, 'Service', {
      metadata,
      spec: {
        type: p.nodePort ? 'NodePort' : undefined,
        selector,
        ports: [{ name: PORT_NAME, port: this.servicePort, targetPort: k8s.IntOrString.fromString(PORT_NAME), nodePort: p.nodePort }],
      },
    });

    if (replicated) {
      this.podDisruptionBudget = new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
        metadata,
        spec: { minAvailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
      });
    }
    if (autoscaling) this.autoscaler = this.addAutoscaler(metadata, autoscaling);
    if (p.ingress) {
      if (p.ingress.hosts.length === 0) fail(this, 'ingress.hosts', 'needs at least one hostname');
      p.ingress.hosts.forEach((host, i) => assertHostname(this, `ingress.hosts[${i}]`, host));
      this.routes = new Routes(this, 'Routes', {
        hostnames: p.ingress.hosts,
        path: p.ingress.path,
        exposure: p.ingress.exposure,
        ingressClassName: p.ingress.className,
        component: this.identity.component,
        backend: { service: this.name, port: this.servicePort, target: this },
      });
    }
    if (p.metrics) {
      const monitored = { namespace: chart.namespace, service: this.name };
      declareAlerts(this, config => httpServiceAlerts(monitored, config));
      declareDashboard(this, config => goldenSignalsDashboard(monitored, config));
    }
  }

  /** The port clients connect to (the Service port). */
  public get port(): number {
    return this.servicePort;
  }

  /** Declares that this service's pods open connections to each target (a database, a cache, another service). */
  public connectsTo(...targets: ConnectionTarget[]): this {
    for (const target of targets) Platform.of(this).addConnection(connection(this, target));
    return this;
  }

  /** Declares that this service's pods open connections to a component of another app, named by its endpoint. */
  public connectsToEndpoint(...endpoints: ServiceEndpoint[]): this {
    const from = { ...this.identity, namespace: AppChart.of(this).namespace };
    for (const e of endpoints) Platform.of(this).addConnection({ from, to: e.to, port: e.port }, this);
    return this;
  }

  /** Declares that this service's pods call out to the internet (HTTPS, 443 only); without it they cannot. */
  public connectsToInternet(reason: string): this {
    Platform.of(this).addExternalConnection(externalConnection(this, 'internet', reason));
    return this;
  }

  /** `http://<service>.<namespace>.svc.cluster.local:<port>`, for callers in other namespaces. */
  public get clusterUrl(): string {
    return `http://${this.name}.${AppChart.of(this).namespace}.svc.cluster.local:${this.servicePort}`;
  }

  /** `http://<service>:<port>`, for callers in the same namespace. */
  public get localUrl(): string {
    return `http://${this.name}:${this.servicePort}`;
  }

  private checkReplicas(replicas: number): number {
    if (!Number.isInteger(replicas) || replicas < 1) fail(this, 'replicas', `must be at least 1 (got ${replicas})`);
    return replicas;
  }

  /** The fewest pods the autoscaler keeps. */
  private checkAutoscaling({ minReplicas: min, maxReplicas: max, cpuUtilization: cpu }: ResolvedAutoscaling): number {
    if (!Number.isInteger(min) || min < 1) fail(this, 'autoscaling.minReplicas', `must be at least 1 (got ${min})`);
    if (!Number.isInteger(max) || min > max) fail(this, 'autoscaling.maxReplicas', `must be at least minReplicas (got min ${min}, max ${max})`);
    if (!Number.isInteger(cpu) || cpu < 1) fail(this, 'autoscaling.cpuUtilization', `must be a positive whole percentage (got ${cpu})`);
    return min;
  }

  private addAutoscaler(metadata: k8s.ObjectMeta, props: ResolvedAutoscaling): k8s.KubeHorizontalPodAutoscalerV2 {
    return new k8s.KubeHorizontalPodAutoscalerV2(this, 'HorizontalPodAutoscaler', {
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        metrics: [{
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: props.cpuUtilization },
          },
        }],
      },
    });
  }
}
