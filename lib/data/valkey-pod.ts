import { Duration } from 'cdk8s';
import { EnvMap, EnvValue } from '../k8s/env';
import type { ComponentIdentity } from '../k8s/labels';
import { Probe } from '../k8s/probe';
import type { ContainerSpec } from '../workloads/pod';
import type { ResourcesProps } from '../workloads/resources';
import type { SecretKeyRef } from '../k8s/secret-key-ref';
import { SENTINEL_PORT, VALKEY_PORT } from './valkey-config';
import { VALKEY_DEFAULTS } from './valkey-defaults';

/** Port of the redis_exporter sidecar in every Valkey pod. */
export const VALKEY_METRICS_PORT = 9121;

export const VALKEY = { name: 'valkey', port: VALKEY_PORT };
export const SENTINEL = { name: 'sentinel', port: SENTINEL_PORT };
export const VALKEY_METRICS = { name: 'metrics', port: VALKEY_METRICS_PORT };
/** The image's valkey user. */
export const VALKEY_RUN_AS = { user: 999, group: 1000 };
export const VALKEY_CONFIG_DIR = '/etc/valkey';
export const VALKEY_DATA_DIR = '/data';

/** What both modes share, resolved once by `Valkey`. */
export interface ValkeyParts {
  readonly name: string;
  readonly namespace: string;
  readonly app: string;
  readonly identity: ComponentIdentity;
  readonly labels: Record<string, string>;
  readonly image: string;
  readonly resources: ResourcesProps;
  readonly maxmemoryBytes: number;
  readonly hasPassword: boolean;
  /** VALKEY_PASSWORD and REDISCLI_AUTH, when there is a password. */
  readonly passwordEnv: EnvMap;
  readonly exporter: ContainerSpec;
  readonly podAnnotations: Record<string, string>;
}

/** The redis_exporter sidecar, reading the server next to it. */
export function exporterContainer(image: string, password?: SecretKeyRef): ContainerSpec {
  return {
    name: 'exporter',
    image,
    env: {
      REDIS_ADDR: `redis://localhost:${VALKEY_PORT}`,
      ...(password ? { REDIS_PASSWORD: EnvValue.fromSecret(password.name, password.key) } : {}),
    },
    ports: [VALKEY_METRICS],
    resources: VALKEY_DEFAULTS.exporterResources,
    readiness: Probe.http('/health', { period: Duration.seconds(10) }),
    liveness: Probe.http('/health', { initialDelay: Duration.seconds(10), period: Duration.seconds(30) }),
  };
}

/** valkey-cli exits 0 on error replies (NOAUTH, LOADING): only PONG counts. */
export function ping(port: number): Probe {
  return Probe.exec(['sh', '-c', `valkey-cli -p ${port} ping | grep -qx PONG`], { period: Duration.seconds(5) });
}

/** The liveness check of every Valkey and Sentinel container: the readiness ping, more patient. */
export function livenessPing(port: number): Probe {
  return ping(port).withTimings({ initialDelay: Duration.seconds(15), period: Duration.seconds(20), failureThreshold: 5 });
}
