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
import { AppChart } from '../platform/app-chart';
import { renderPodTemplate } from '../workloads/pod';
import { ResourcesProps, checkResources } from '../workloads/resources';
import { componentService } from '../workloads/service';
import type { SecretKeyRef } from './postgres';

export interface ValkeyProps {
  /** Name of the StatefulSet and its Service. @default the construct id */
  readonly name?: string;
  /** @default IMAGES.valkey */
  readonly image?: string;
  /** @default requests 100m / 128Mi, limits 500m / 256Mi */
  readonly resources?: ResourcesProps;
  /**
   * Share of the memory limit given to data; the rest covers connections and fragmentation.
   * @default 0.75
   */
  readonly maxmemoryRatio?: number;
  /** Pre-created Secret with the password clients must send. @default - no password */
  readonly passwordSecret?: SecretKeyRef;
}

const PORT = { name: 'valkey', port: 6379 };

/** The valkey.conf of a cache: nothing persisted, least-recently-used keys evicted at maxmemory. */
export function cacheConfig(maxmemoryBytes: number, hasPassword: boolean): string {
  return [
    `port ${PORT.port}`,
    'bind * -::*',
    // Without a password the Service and NetworkPolicies are the only guard; keep the port open to them.
    `protected-mode ${hasPassword ? 'yes' : 'no'}`,
    'save ""',
    'appendonly no',
    `maxmemory ${maxmemoryBytes}`,
    'maxmemory-policy allkeys-lru',
    '',
  ].join('\n');
}

/** Standalone Valkey used as a cache (seed 000): one pod, config from a ConfigMap, no volume. */
export class Valkey extends Construct {
  public readonly name: string;
  public readonly identity: ComponentIdentity;
  public readonly port = PORT.port;
  public readonly config: string;
  public readonly statefulSet: k8s.KubeStatefulSet;
  public readonly service: k8s.KubeService;

  constructor(scope: Construct, id: string, props: ValkeyProps = {}) {
    super(scope, id);
    this.name = assertDnsLabel(this, 'name', props.name ?? id);
    this.identity = { name: this.name, app: AppChart.of(this).appName, component: 'cache' };
    const resources = props.resources ?? { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } };
    const figures = checkResources(this, 'resources', resources);
    const ratio = props.maxmemoryRatio ?? 0.75;
    if (!(ratio > 0 && ratio < 1)) fail(this, 'maxmemoryRatio', `must be between 0 and 1 (got ${ratio})`);
    this.config = cacheConfig(Math.floor(figures.limits.memory * ratio), Boolean(props.passwordSecret));
    const labels = standardLabels(this.identity);

    new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: { name: this.name, labels },
      data: { 'valkey.conf': this.config },
    });
    const env: EnvMap = props.passwordSecret
      // valkey-cli reads REDISCLI_AUTH, so the probe needs no shell to pass the password.
      ? { VALKEY_PASSWORD: EnvValue.fromSecret(props.passwordSecret.name, props.passwordSecret.key), REDISCLI_AUTH: '$(VALKEY_PASSWORD)' }
      : {};
    const ping = ['valkey-cli', 'ping'];

    this.service = componentService(this, 'Service', this.identity, [PORT], { headless: true });
    this.statefulSet = new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata: { name: this.name, labels },
      spec: {
        serviceName: this.name,
        replicas: 1,
        selector: { matchLabels: selectorLabels(this.identity) },
        template: renderPodTemplate(this, labels, {
          runAs: { user: 999, group: 1000 },
          containers: [{
            name: 'valkey',
            image: props.image ?? IMAGES.valkey,
            args: ['/etc/valkey/valkey.conf', ...(props.passwordSecret ? ['--requirepass', '$(VALKEY_PASSWORD)'] : [])],
            env,
            ports: [PORT],
            mounts: [
              { volume: Volume.configMap('config', this.name), path: '/etc/valkey', readOnly: true },
              { volume: Volume.emptyDir('data'), path: '/data' },
            ],
            resources,
            readiness: Probe.exec(ping, { period: Duration.seconds(5) }),
            liveness: Probe.exec(ping, { initialDelay: Duration.seconds(15), period: Duration.seconds(20), failureThreshold: 5 }),
          }],
        }),
      },
    });
  }

  /** `redis://<service>:6379`, for clients in the same namespace. */
  public get url(): string {
    return `redis://${this.name}:${this.port}`;
  }
}
