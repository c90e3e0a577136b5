import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { resolveProps } from '../config';
import { fail } from '../errors';
import { EnvMap, EnvValue } from '../k8s/env';
import { ComponentIdentity, selectorLabels, standardLabels } from '../k8s/labels';
import { Volume } from '../k8s/volume';
import { ConnectionTarget, connection } from '../platform/connections';
import { Platform } from '../platform/platform';
import { renderPodTemplate } from '../workloads/pod';
import { checkResources } from '../workloads/resources';
import { componentService } from '../workloads/service';
import {
  SENTINEL_PORT, START_SENTINEL_SCRIPT, START_VALKEY_SCRIPT, VALKEY_PORT, replicationConfig, sentinelConfig,
} from './valkey-config';
import { SentinelDefaults, VALKEY_DEFAULTS } from './valkey-defaults';
import { livenessPing, ping, SENTINEL, VALKEY, VALKEY_CONFIG_DIR, VALKEY_DATA_DIR, VALKEY_RUN_AS, ValkeyParts } from './valkey-pod';

/** What a Sentinel-mode Valkey adds to the standalone one. */
export interface SentinelParts {
  readonly masterName: string;
  readonly quorum: number;
  readonly config: string;
  readonly statefulSet: k8s.KubeStatefulSet;
  /** ClusterIP Service clients ask for the primary. */
  readonly service: k8s.KubeService;
  /** What clients connect to, to ask for the primary: for `connectsTo`. */
  readonly endpoint: ConnectionTarget;
}

/** The objects of a Valkey with replicas and Sentinels. */
export interface SentinelValkey {
  readonly config: string;
  readonly configMap: k8s.KubeConfigMap;
  readonly service: k8s.KubeService;
  readonly statefulSet: k8s.KubeStatefulSet;
  readonly sentinel: SentinelParts;
}

/** Refuses settings that cannot keep a majority or a name Sentinel would not parse. */
function checkSentinel(scope: Construct, s: SentinelDefaults): void {
  if (!Number.isInteger(s.replicas) || s.replicas < 1) fail(scope, 'sentinel.replicas', `must be a whole number of at least 1 (got ${s.replicas})`);
  if (!Number.isInteger(s.sentinels) || s.sentinels < 3) {
    fail(scope, 'sentinel.sentinels', `must be at least 3 (got ${s.sentinels}); fewer cannot keep a majority when one is lost`);
  }
  if (!Number.isInteger(s.quorum) || s.quorum < 1 || s.quorum > s.sentinels) {
    fail(scope, 'sentinel.quorum', `must be between 1 and the number of sentinels, ${s.sentinels} (got ${s.quorum})`);
  }
  if (!/^[A-Za-z0-9._-]+$/.test(s.masterName)) fail(scope, 'sentinel.masterName', `"${s.masterName}" must be letters, digits, '.', '_' or '-'`);
  checkResources(scope, 'sentinel.resources', s.resources);
}

/**
 * A primary and `replicas` replicas in one StatefulSet, `sentinels` Sentinels in another (seed
 * 002), hostnames everywhere. The start scripts ask the Sentinels for the current primary, so a
 * restarted pod rejoins as a replica after a failover.
 */
export function renderSentinel(scope: Construct, v: ValkeyParts, props: Partial<SentinelDefaults>): SentinelValkey {
  const s: SentinelDefaults = resolveProps(VALKEY_DEFAULTS.sentinel, props);
  checkSentinel(scope, s);
  const fqdn = (pod: string, service: string) => `${pod}.${service}.${v.namespace}.svc.cluster.local`;
  const sentinelName = `${v.name}-sentinel`;
  const sentinelIdentity: ComponentIdentity = { name: sentinelName, app: v.app, component: 'cache-sentinel' };
  const sentinelLabels = standardLabels(sentinelIdentity);
  const sentinelHeadless = `${sentinelName}-headless`;
  const primaryHost = fqdn(`${v.name}-0`, v.name);
  const config = replicationConfig({ maxmemoryBytes: v.maxmemoryBytes, hasPassword: v.hasPassword });
  const sentinelConf = sentinelConfig({
    masterName: s.masterName, primaryHost, quorum: s.quorum,
    downAfterMilliseconds: s.downAfter.toMilliseconds(), failoverTimeoutMilliseconds: s.failoverTimeout.toMilliseconds(),
  });
  const configMap = new k8s.KubeConfigMap(scope, 'ConfigMap', {
    metadata: { name: v.name, labels: v.labels },
    data: { 'valkey.conf': config, 'sentinel.conf': sentinelConf, 'start-valkey.sh': START_VALKEY_SCRIPT, 'start-sentinel.sh': START_SENTINEL_SCRIPT },
  });

  // Pods must resolve each other while starting (a replica looks up the primary before it is ready).
  const service = componentService(scope, 'Service', v.identity, [VALKEY], { headless: true, publishNotReadyAddresses: true });
  componentService(scope, 'SentinelHeadless', sentinelIdentity, [SENTINEL], { name: sentinelHeadless, headless: true, publishNotReadyAddresses: true });
  const sentinelService = componentService(scope, 'SentinelService', sentinelIdentity, [SENTINEL]);

  const common = (announceService: string): EnvMap => ({
    POD_NAME: EnvValue.fromField('metadata.name'),
    ANNOUNCE_HOST: `$(POD_NAME).${announceService}.${v.namespace}.svc.cluster.local`,
    PRIMARY_HOST: primaryHost,
    PRIMARY_PORT: String(VALKEY_PORT),
    SENTINEL_HOST: `${sentinelName}.${v.namespace}.svc.cluster.local`,
    SENTINEL_PORT: String(SENTINEL_PORT),
    VALKEY_PORT: String(VALKEY_PORT),
    MASTER_NAME: s.masterName,
    CONFIG_DIR: VALKEY_CONFIG_DIR,
    DATA_DIR: VALKEY_DATA_DIR,
    ...v.passwordEnv,
  });
  const mounts = [
    { volume: Volume.configMap('config', v.name), path: VALKEY_CONFIG_DIR, readOnly: true },
    // Writable copies of the config: Sentinel rewrites its file, and the server's gets its role.
    { volume: Volume.emptyDir('data'), path: VALKEY_DATA_DIR },
  ];

  const statefulSet = new k8s.KubeStatefulSet(scope, 'StatefulSet', {
    metadata: { name: v.name, labels: v.labels },
    spec: {
      serviceName: v.name,
      replicas: 1 + s.replicas,
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: selectorLabels(v.identity) },
      template: renderPodTemplate(scope, v.labels, {
        runAs: VALKEY_RUN_AS,
        annotations: v.podAnnotations,
        spread: { labels: selectorLabels(v.identity) },
        containers: [{
          name: 'valkey',
          image: v.image,
          command: ['sh', `${VALKEY_CONFIG_DIR}/start-valkey.sh`],
          env: common(v.name),
          ports: [VALKEY],
          mounts,
          resources: v.resources,
          readiness: ping(VALKEY_PORT),
          liveness: livenessPing(VALKEY_PORT),
        }, v.exporter],
      }),
    },
  });
  const sentinelStatefulSet = new k8s.KubeStatefulSet(scope, 'SentinelStatefulSet', {
    metadata: { name: sentinelName, labels: sentinelLabels },
    spec: {
      serviceName: sentinelHeadless,
      replicas: s.sentinels,
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: selectorLabels(sentinelIdentity) },
      template: renderPodTemplate(scope, sentinelLabels, {
        runAs: VALKEY_RUN_AS,
        spread: { labels: selectorLabels(sentinelIdentity) },
        containers: [{
          name: 'sentinel',
          image: v.image,
          command: ['sh', `${VALKEY_CONFIG_DIR}/start-sentinel.sh`],
          env: { ...common(sentinelHeadless), SENTINEL_OWN_PORT: String(SENTINEL_PORT) },
          ports: [SENTINEL],
          mounts,
          resources: s.resources,
          readiness: ping(SENTINEL_PORT),
          liveness: livenessPing(SENTINEL_PORT),
        }],
      }),
    },
  });
  // Voluntary evictions (drains) take one pod at a time: the primary keeps replicas, the Sentinels a majority.
  for (const [pdbId, identity] of [['PodDisruptionBudget', v.identity], ['SentinelPodDisruptionBudget', sentinelIdentity]] as const) {
    new k8s.KubePodDisruptionBudget(scope, pdbId, {
      metadata: { name: identity.name, labels: standardLabels(identity) },
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selectorLabels(identity) } },
    });
  }
  const endpoint: ConnectionTarget = { node: scope.node, identity: sentinelIdentity, port: SENTINEL.port };
  // Replicas follow the primary; each pod asks the Sentinels for the primary when it starts;
  // the Sentinels watch every Valkey pod and talk to each other.
  const server = { node: scope.node, identity: v.identity };
  const valkeyTarget: ConnectionTarget = { ...server, port: VALKEY_PORT };
  const platform = Platform.of(scope);
  platform.addConnection(connection(server, valkeyTarget), scope);
  platform.addConnection(connection(server, endpoint), scope);
  platform.addConnection(connection({ node: scope.node, identity: sentinelIdentity }, valkeyTarget), scope);
  platform.addConnection(connection({ node: scope.node, identity: sentinelIdentity }, endpoint), scope);
  return {
    config, configMap, service, statefulSet,
    sentinel: { masterName: s.masterName, quorum: s.quorum, config: sentinelConf, statefulSet: sentinelStatefulSet, service: sentinelService, endpoint },
  };
}
