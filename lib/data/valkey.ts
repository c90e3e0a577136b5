import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { resolveProps } from '../config';
import { fail } from '../errors';
import { EnvValue } from '../k8s/env';
import { ComponentIdentity, standardLabels } from '../k8s/labels';
import { assertDnsLabel } from '../k8s/names';
import { monitorValkey } from '../monitoring/data-alerts';
import { scrapeAnnotations } from '../monitoring/scrape';
import { AppChart } from '../platform/app-chart';
import { ResourcesProps, checkResources } from '../workloads/resources';
import type { SecretKeyRef } from '../k8s/secret-key-ref';
import { VALKEY_PORT } from './valkey-config';
import { VALKEY_DEFAULTS } from './valkey-defaults';
import { exporterContainer, VALKEY_METRICS_PORT, ValkeyParts } from './valkey-pod';
import { renderSentinel, SentinelParts } from './valkey-sentinel';
import { renderStandalone, StandaloneValkey } from './valkey-standalone';

export { cacheConfig } from './valkey-config';
export { VALKEY_DEFAULTS } from './valkey-defaults';
export { VALKEY_METRICS_PORT } from './valkey-pod';

/** Primary + replicas watched by Sentinels, which promote a replica when the primary fails (seed 002). */
export interface SentinelProps {
  /** Replicas of the primary. @default VALKEY_DEFAULTS.sentinel.replicas (3, seed 002) */
  readonly replicas?: number;
  /** Sentinel processes, each in its own pod; at least 3 so a majority survives losing one. @default VALKEY_DEFAULTS.sentinel.sentinels (3) */
  readonly sentinels?: number;
  /** Sentinels that must agree the primary is down before a failover. @default VALKEY_DEFAULTS.sentinel.quorum (2) */
  readonly quorum?: number;
  /** Name clients ask the Sentinels for. @default VALKEY_DEFAULTS.sentinel.masterName ('mymaster') */
  readonly masterName?: string;
  /** How long the primary may not answer before it counts as down. @default VALKEY_DEFAULTS.sentinel.downAfter (5 seconds) */
  readonly downAfter?: Duration;
  /** @default VALKEY_DEFAULTS.sentinel.failoverTimeout (60 seconds) */
  readonly failoverTimeout?: Duration;
  /** Of each Sentinel pod. @default VALKEY_DEFAULTS.sentinel.resources (requests 50m / 32Mi, limits 200m / 64Mi) */
  readonly resources?: ResourcesProps;
}

export interface ValkeyProps {
  /** Name of the StatefulSet and its Service. @default the construct id */
  readonly name?: string;
  /** Valkey image. @default VALKEY_DEFAULTS.image (IMAGES.valkey) */
  readonly image?: string;
  /** Prometheus exporter image, run beside each Valkey. @default VALKEY_DEFAULTS.exporterImage (IMAGES.valkeyExporter) */
  readonly exporterImage?: string;
  /** Of each Valkey container. @default VALKEY_DEFAULTS.resources (requests 100m / 128Mi, limits 500m / 256Mi) */
  readonly resources?: ResourcesProps;
  /**
   * Share of the memory limit given to data; the rest covers connections, replication buffers
   * and fragmentation.
   * @default VALKEY_DEFAULTS.maxmemoryRatio (0.75)
   */
  readonly maxmemoryRatio?: number;
  /** Pre-created Secret with the password clients, replicas and Sentinels send. @default - no password */
  readonly passwordSecret?: SecretKeyRef;
  /** Replication with Sentinel failover. @default - standalone, one pod */
  readonly sentinel?: SentinelProps;
}

/** The defaults of Valkey's own props; the Sentinels' apply in sentinel mode only (`renderSentinel`). */
const VALKEY_PROP_DEFAULTS = {
  image: VALKEY_DEFAULTS.image,
  exporterImage: VALKEY_DEFAULTS.exporterImage,
  resources: VALKEY_DEFAULTS.resources,
  maxmemoryRatio: VALKEY_DEFAULTS.maxmemoryRatio,
};

/**
 * Valkey used as a cache: persistence off, `maxmemory` below the memory limit, `allkeys-lru`.
 * Standalone (seed 000, `valkey-standalone.ts`), or a primary with replicas and Sentinels (seed
 * 002, `valkey-sentinel.ts`). StatefulSets with headless Services, hostnames everywhere, metrics
 * from a redis_exporter sidecar.
 */
export class Valkey extends Construct {
  public readonly name: string;
  public readonly identity: ComponentIdentity;
  public readonly port = VALKEY_PORT;
  /** valkey.conf as rendered into the ConfigMap. */
  public readonly config: string;
  public readonly statefulSet: k8s.KubeStatefulSet;
  public readonly service: k8s.KubeService;
  public readonly configMap: k8s.KubeConfigMap;
  /** Sentinel mode only. */
  public readonly sentinel?: SentinelParts;

  constructor(scope: Construct, id: string, props: ValkeyProps = {}) {
    super(scope, id);
    this.name = assertDnsLabel(this, 'name', props.name ?? id);
    const app = AppChart.of(this);
    this.identity = { name: this.name, app: app.appName, component: 'cache' };
    // Alerts travel with what emits the metrics: the redis_exporter sidecar of every pod.
    monitorValkey(this, { namespace: app.namespace, service: this.name });
    const { image, exporterImage, resources, maxmemoryRatio: ratio } = resolveProps(VALKEY_PROP_DEFAULTS, props);
    const figures = checkResources(this, 'resources', resources);
    if (!(ratio > 0 && ratio < 1)) fail(this, 'maxmemoryRatio', `must be between 0 and 1 (got ${ratio})`);
    const password = props.passwordSecret;
    const parts: ValkeyParts = {
      name: this.name,
      namespace: app.namespace,
      app: app.appName,
      identity: this.identity,
      labels: standardLabels(this.identity),
      image,
      resources,
      maxmemoryBytes: Math.floor(figures.limits.memory * ratio),
      hasPassword: Boolean(password),
      passwordEnv: password
        // valkey-cli reads REDISCLI_AUTH, so probes and scripts need no password on the command line.
        ? { VALKEY_PASSWORD: EnvValue.fromSecret(password.name, password.key), REDISCLI_AUTH: '$(VALKEY_PASSWORD)' }
        : {},
      exporter: exporterContainer(exporterImage, password),
      podAnnotations: scrapeAnnotations({ port: VALKEY_METRICS_PORT }),
    };
    const rendered: StandaloneValkey & { sentinel?: SentinelParts } = props.sentinel ? renderSentinel(this, parts, props.sentinel) : renderStandalone(this, parts);
    this.config = rendered.config;
    this.configMap = rendered.configMap;
    this.service = rendered.service;
    this.statefulSet = rendered.statefulSet;
    this.sentinel = rendered.sentinel;
  }

  /** `redis://<service>:6379`, for clients in the same namespace (standalone). */
  public get url(): string {
    return `redis://${this.name}:${this.port}`;
  }

  /** Host and port of the Sentinel Service clients ask for the primary (sentinel mode). */
  public get sentinelHost(): string | undefined {
    return this.sentinel ? `${this.name}-sentinel` : undefined;
  }
}
