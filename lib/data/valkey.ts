import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { fail } from '../errors';
import { IMAGES } from '../images';
import { EnvMap, EnvValue } from '../k8s/env';
import { ComponentIdentity, selectorLabels, standardLabels } from '../k8s/labels';
import { assertDnsLabel } from '../k8s/names';
import { Probe } from '../k8s/probe';
import { Volume } from '../k8s/volume';
import { monitorValkey } from '../monitoring/data-alerts';
import { scrapeAnnotations } from '../monitoring/scrape';
import { AppChart } from '../platform/app-chart';
import { ConnectionTarget, connection } from '../platform/connections';
import { Platform } from '../platform/platform';
import { ContainerSpec, renderPodTemplate } from '../workloads/pod';
import { ResourcesProps, checkResources } from '../workloads/resources';
import { componentService } from '../workloads/service';
import type { SecretKeyRef } from './postgres';
import {
  SENTINEL_PORT, START_SENTINEL_SCRIPT, START_VALKEY_SCRIPT, VALKEY_PORT, cacheConfig, replicationConfig, sentinelConfig,
} from './valkey-config';

export { cacheConfig } from './valkey-config';

/** Port of the redis_exporter sidecar in every Valkey pod. */
export const VALKEY_METRICS_PORT = 9121;

/** Primary + replicas watched by Sentinels, which promote a replica when the primary fails (seed 002). */
export interface SentinelProps {
  /** Replicas of the primary. @default 3 (seed 002) */
  readonly replicas?: number;
  /** Sentinel processes, each in its own pod; at least 3 so a majority survives losing one. @default 3 */
  readonly sentinels?: number;
  /** Sentinels that must agree the primary is down before a failover. @default 2 */
  readonly quorum?: number;
  /** Name clients ask the Sentinels for. @default 'mymaster' */
  readonly masterName?: string;
  /** How long the primary may not answer before it counts as down. @default 5 seconds */
  readonly downAfter?: Duration;
  /** @default 60 seconds */
  readonly failoverTimeout?: Duration;
  /** Of each Sentinel pod. @default requests 50m / 32Mi, limits 200m / 64Mi */
  readonly resources?: ResourcesProps;
}

export interface ValkeyProps {
  /** Name of the StatefulSet and its Service. @default the construct id */
  readonly name?: string;
  /** @default IMAGES.valkey */
  readonly image?: string;
  /** @default IMAGES.valkeyExporter */
  readonly exporterImage?: string;
  /** Of each Valkey container. @default requests 100m / 128Mi, limits 500m / 256Mi */
  readonly resources?: ResourcesProps;
  /**
   * Share of the memory limit given to data; the rest covers connections, replication buffers
   * and fragmentation.
   * @default 0.75
   */
  readonly maxmemoryRatio?: number;
  /** Pre-created Secret with the password clients, replicas and Sentinels send. @default - no password */
  readonly passwordSecret?: SecretKeyRef;
  /** Replication with Sentinel failover. @default - standalone, one pod */
  readonly sentinel?: SentinelProps;
}

const PORT = { name: 'valkey', port: VALKEY_PORT };
const SENTINEL = { name: 'sentinel', port: SENTINEL_PORT };
const METRICS = { name: 'metrics', port: VALKEY_METRICS_PORT };
const RUN_AS = { user: 999, group: 1000 };
const CONFIG_DIR = '/etc/valkey';
const DATA_DIR = '/data';

/**
 * Valkey used as a cache: persistence off, `maxmemory` below the memory limit, `allkeys-lru`.
 * Standalone (seed 000), or a primary with replicas and Sentinels (seed 002). StatefulSets with
 * headless Services, hostnames everywhere, metrics from a redis_exporter sidecar.
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
  public readonly sentinel?: {
    readonly masterName: string;
    readonly quorum: number;
    readonly config: string;
    readonly statefulSet: k8s.KubeStatefulSet;
    /** ClusterIP Service clients ask for the primary. */
    readonly service: k8s.KubeService;
    /** What clients connect to, to ask for the primary: for `connectsTo`. */
    readonly endpoint: ConnectionTarget;
  };

  constructor(scope: Construct, id: string, props: ValkeyProps = {}) {
    super(scope, id);
    this.name = assertDnsLabel(this, 'name', props.name ?? id);
    const app = AppChart.of(this);
    this.identity = { name: this.name, app: app.appName, component: 'cache' };
    // Alerts travel with what emits the metrics: the redis_exporter sidecar of every pod.
    monitorValkey(this, { namespace: app.namespace, service: this.name });
    const resources = props.resources ?? { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } };
    const figures = checkResources(this, 'resources', resources);
    const ratio = props.maxmemoryRatio ?? 0.75;
    if (!(ratio > 0 && ratio < 1)) fail(this, 'maxmemoryRatio', `must be between 0 and 1 (got ${ratio})`);
    const maxmemoryBytes = Math.floor(figures.limits.memory * ratio);
    const hasPassword = Boolean(props.passwordSecret);
    const labels = standardLabels(this.identity);
    const image = props.image ?? IMAGES.valkey;
    const fqdn = (pod: string, service: string) => `${pod}.${service}.${app.namespace}.svc.cluster.local`;
    const passwordEnv: EnvMap = props.passwordSecret
      // valkey-cli reads REDISCLI_AUTH, so probes and scripts need no password on the command line.
      ? { VALKEY_PASSWORD: EnvValue.fromSecret(props.passwordSecret.name, props.passwordSecret.key), REDISCLI_AUTH: '$(VALKEY_PASSWORD)' }
      : {};
    const exporter: ContainerSpec = {
      name: 'exporter',
      image: props.exporterImage ?? IMAGES.valkeyExporter,
      env: {
        REDIS_ADDR: `redis://localhost:${VALKEY_PORT}`,
        ...(props.passwordSecret ? { REDIS_PASSWORD: EnvValue.fromSecret(props.passwordSecret.name, props.passwordSecret.key) } : {}),
      },
      ports: [METRICS],
      resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
      readiness: Probe.http('/health', { period: Duration.seconds(10) }),
      liveness: Probe.http('/health', { initialDelay: Duration.seconds(10), period: Duration.seconds(30) }),
    };
    // valkey-cli exits 0 on error replies (NOAUTH, LOADING): only PONG counts.
    const ping = (port: number) => Probe.exec(['sh', '-c', `valkey-cli -p ${port} ping | grep -qx PONG`], { period: Duration.seconds(5) });
    const podAnnotations = scrapeAnnotations({ port: VALKEY_METRICS_PORT });

    if (!props.sentinel) {
      this.config = cacheConfig(maxmemoryBytes, hasPassword);
      this.configMap = new k8s.KubeConfigMap(this, 'ConfigMap', { metadata: { name: this.name, labels }, data: { 'valkey.conf': this.config } });
      this.service = componentService(this, 'Service', this.identity, [PORT], { headless: true });
      this.statefulSet = new k8s.KubeStatefulSet(this, 'StatefulSet', {
        metadata: { name: this.name, labels },
        spec: {
          serviceName: this.name,
          replicas: 1,
          selector: { matchLabels: selectorLabels(this.identity) },
          template: renderPodTemplate(this, labels, {
            runAs: RUN_AS,
            annotations: podAnnotations,
            containers: [{
              name: 'valkey',
              image,
              args: [`${CONFIG_DIR}/valkey.conf`, ...(hasPassword ? ['--requirepass', '$(VALKEY_PASSWORD)'] : [])],
              env: passwordEnv,
              ports: [PORT],
              mounts: [
                { volume: Volume.configMap('config', this.name), path: CONFIG_DIR, readOnly: true },
                { volume: Volume.emptyDir('data'), path: DATA_DIR },
              ],
              resources,
              readiness: ping(VALKEY_PORT),
              liveness: ping(VALKEY_PORT).withTimings({ initialDelay: Duration.seconds(15), period: Duration.seconds(20), failureThreshold: 5 }),
            }, exporter],
          }),
        },
      });
      return;
    }

    const s = props.sentinel;
    const replicas = s.replicas ?? 3;
    const sentinels = s.sentinels ?? 3;
    const quorum = s.quorum ?? 2;
    const masterName = s.masterName ?? 'mymaster';
    if (!Number.isInteger(replicas) || replicas < 1) fail(this, 'sentinel.replicas', `must be a whole number of at least 1 (got ${replicas})`);
    if (!Number.isInteger(sentinels) || sentinels < 3) {
      fail(this, 'sentinel.sentinels', `must be at least 3 (got ${sentinels}); fewer cannot keep a majority when one is lost`);
    }
    if (!Number.isInteger(quorum) || quorum < 1 || quorum > sentinels) {
      fail(this, 'sentinel.quorum', `must be between 1 and the number of sentinels, ${sentinels} (got ${quorum})`);
    }
    if (!/^[A-Za-z0-9._-]+$/.test(masterName)) fail(this, 'sentinel.masterName', `"${masterName}" must be letters, digits, '.', '_' or '-'`);
    const downAfter = (s.downAfter ?? Duration.seconds(5)).toMilliseconds();
    const failoverTimeout = (s.failoverTimeout ?? Duration.seconds(60)).toMilliseconds();
    const sentinelResources = s.resources ?? { requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } };
    checkResources(this, 'sentinel.resources', sentinelResources);

    const sentinelName = `${this.name}-sentinel`;
    const sentinelIdentity: ComponentIdentity = { name: sentinelName, app: app.appName, component: 'cache-sentinel' };
    const sentinelLabels = standardLabels(sentinelIdentity);
    const sentinelHeadless = `${sentinelName}-headless`;
    const primaryHost = fqdn(`${this.name}-0`, this.name);
    this.config = replicationConfig({ maxmemoryBytes, hasPassword });
    const sentinelConf = sentinelConfig({ masterName, primaryHost, quorum, downAfterMilliseconds: downAfter, failoverTimeoutMilliseconds: failoverTimeout });
    this.configMap = new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: { name: this.name, labels },
      data: {
        'valkey.conf': this.config,
        'sentinel.conf': sentinelConf,
        'start-valkey.sh': START_VALKEY_SCRIPT,
        'start-sentinel.sh': START_SENTINEL_SCRIPT,
      },
    });

    // Pods must resolve each other while starting (a replica looks up the primary before it is ready).
    this.service = componentService(this, 'Service', this.identity, [PORT], { headless: true, publishNotReadyAddresses: true });
    componentService(this, 'SentinelHeadless', sentinelIdentity, [SENTINEL], { name: sentinelHeadless, headless: true, publishNotReadyAddresses: true });
    const sentinelService = componentService(this, 'SentinelService', sentinelIdentity, [SENTINEL]);

    const common = (announceService: string): EnvMap => ({
      POD_NAME: EnvValue.fromField('metadata.name'),
      ANNOUNCE_HOST: `$(POD_NAME).${announceService}.${app.namespace}.svc.cluster.local`,
      PRIMARY_HOST: primaryHost,
      PRIMARY_PORT: String(VALKEY_PORT),
      SENTINEL_HOST: `${sentinelName}.${app.namespace}.svc.cluster.local`,
      SENTINEL_PORT: String(SENTINEL_PORT),
      VALKEY_PORT: String(VALKEY_PORT),
      MASTER_NAME: masterName,
      CONFIG_DIR,
      DATA_DIR,
      ...passwordEnv,
    });
    const mounts = [
      { volume: Volume.configMap('config', this.name), path: CONFIG_DIR, readOnly: true },
      // Writable copies of the config: Sentinel rewrites its file, and the server's gets its role.
      { volume: Volume.emptyDir('data'), path: DATA_DIR },
    ];

    this.statefulSet = new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata: { name: this.name, labels },
      spec: {
        serviceName: this.name,
        replicas: 1 + replicas,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: selectorLabels(this.identity) },
        template: renderPodTemplate(this, labels, {
          runAs: RUN_AS,
          annotations: podAnnotations,
          spread: { labels: selectorLabels(this.identity) },
          containers: [{
            name: 'valkey',
            image,
            command: ['sh', `${CONFIG_DIR}/start-valkey.sh`],
            env: common(this.name),
            ports: [PORT],
            mounts,
            resources,
            readiness: ping(VALKEY_PORT),
            liveness: ping(VALKEY_PORT).withTimings({ initialDelay: Duration.seconds(15), period: Duration.seconds(20), failureThreshold: 5 }),
          }, exporter],
        }),
      },
    });
    const sentinelStatefulSet = new k8s.KubeStatefulSet(this, 'SentinelStatefulSet', {
      metadata: { name: sentinelName, labels: sentinelLabels },
      spec: {
        serviceName: sentinelHeadless,
        replicas: sentinels,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: selectorLabels(sentinelIdentity) },
        template: renderPodTemplate(this, sentinelLabels, {
          runAs: RUN_AS,
          spread: { labels: selectorLabels(sentinelIdentity) },
          containers: [{
            name: 'sentinel',
            image,
            command: ['sh', `${CONFIG_DIR}/start-sentinel.sh`],
            env: { ...common(sentinelHeadless), SENTINEL_OWN_PORT: String(SENTINEL_PORT) },
            ports: [SENTINEL],
            mounts,
            resources: sentinelResources,
            readiness: ping(SENTINEL_PORT),
            liveness: ping(SENTINEL_PORT).withTimings({ initialDelay: Duration.seconds(15), period: Duration.seconds(20), failureThreshold: 5 }),
          }],
        }),
      },
    });
    // Voluntary evictions (drains) take one pod at a time: the primary keeps replicas, the Sentinels a majority.
    for (const [pdbId, identity] of [['PodDisruptionBudget', this.identity], ['SentinelPodDisruptionBudget', sentinelIdentity]] as const) {
      new k8s.KubePodDisruptionBudget(this, pdbId, {
        metadata: { name: identity.name, labels: standardLabels(identity) },
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selectorLabels(identity) } },
      });
    }
    this.sentinel = {
      masterName, quorum, config: sentinelConf, statefulSet: sentinelStatefulSet, service: sentinelService,
      endpoint: { node: this.node, identity: sentinelIdentity, port: SENTINEL.port },
    };
    // Replicas follow the primary; each pod asks the Sentinels for the primary when it starts;
    // the Sentinels watch every Valkey pod and talk to each other.
    const sentinelTarget = this.sentinel.endpoint;
    const valkeyTarget: ConnectionTarget = { node: this.node, identity: this.identity, port: VALKEY_PORT };
    const platform = Platform.of(this);
    platform.addConnection(connection(this, valkeyTarget));
    platform.addConnection(connection(this, sentinelTarget));
    platform.addConnection(connection({ node: this.node, identity: sentinelIdentity }, valkeyTarget));
    platform.addConnection(connection({ node: this.node, identity: sentinelIdentity }, sentinelTarget));
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
