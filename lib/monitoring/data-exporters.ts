import { Duration } from 'cdk8s';
import { IMAGES } from '../images';
import { EnvMap, EnvValue } from '../k8s/env';
import { Probe } from '../k8s/probe';
import type { SecretKeyRef } from '../data/postgres';
import { ResourcesProps } from '../workloads/resources';
import { ContainerSpec } from '../workloads/pod';
import { MetricsEndpoint, scrapeAnnotations } from './scrape';

/**
 * Where CloudNativePG's instance manager serves `cnpg_*` metrics. Put
 * `scrapeAnnotations(CNPG_METRICS)` in the Cluster's `spec.inheritedMetadata.annotations`, and
 * call `monitorPostgres()` with the cluster's name as `service`.
 */
export const CNPG_METRICS: MetricsEndpoint = { port: 9187 };

/** Where the redis_exporter sidecar of a Valkey pod serves `redis_*` metrics. */
export const VALKEY_EXPORTER_METRICS: MetricsEndpoint = { port: 9121 };

/** The pod annotations of a pod with a redis_exporter sidecar. */
export function valkeyExporterAnnotations(): Record<string, string> {
  return scrapeAnnotations(VALKEY_EXPORTER_METRICS);
}

export interface ValkeyExporterProps {
  /** Port Valkey listens on in the same pod. @default 6379 */
  readonly valkeyPort?: number;
  /** Secret with Valkey's password. @default - no password */
  readonly passwordSecret?: SecretKeyRef;
  /** @default IMAGES.redisExporter */
  readonly image?: string;
  /** @default requests 10m / 16Mi, limits 100m / 64Mi */
  readonly resources?: ResourcesProps;
}

/**
 * The redis_exporter sidecar for a Valkey pod: add it to the pod's containers and
 * `valkeyExporterAnnotations()` to its annotations, then call `monitorValkey()`.
 * @see https://github.com/oliver006/redis_exporter
 */
export function valkeyExporterContainer(props: ValkeyExporterProps = {}): ContainerSpec {
  const env: EnvMap = {
    REDIS_ADDR: `redis://localhost:${props.valkeyPort ?? 6379}`,
    REDIS_EXPORTER_WEB_LISTEN_ADDRESS: `:${VALKEY_EXPORTER_METRICS.port}`,
    ...(props.passwordSecret ? { REDIS_PASSWORD: EnvValue.fromSecret(props.passwordSecret.name, props.passwordSecret.key) } : {}),
  };
  return {
    name: 'exporter',
    image: props.image ?? IMAGES.redisExporter,
    env,
    ports: [{ name: 'metrics', port: VALKEY_EXPORTER_METRICS.port }],
    resources: props.resources ?? { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
    readiness: Probe.http('/health', { period: Duration.seconds(10) }),
    liveness: Probe.http('/health', { initialDelay: Duration.seconds(10), period: Duration.seconds(30), failureThreshold: 5 }),
  };
}
