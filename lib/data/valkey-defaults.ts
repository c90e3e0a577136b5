import { Duration } from 'cdk8s';
import { IMAGES } from '../images';
import type { ResourcesProps } from '../workloads/resources';

/** Sentinel settings after defaults. */
export interface SentinelDefaults {
  readonly replicas: number;
  readonly sentinels: number;
  readonly quorum: number;
  readonly masterName: string;
  readonly downAfter: Duration;
  readonly failoverTimeout: Duration;
  readonly resources: ResourcesProps;
}

/**
 * Every default of `Valkey`, in one place: its props' `@default`s name these values, and charts
 * override them instead of copying them (the cache sizing and failover timings of seeds 000 and 002).
 */
export const VALKEY_DEFAULTS = {
  image: IMAGES.valkey,
  exporterImage: IMAGES.valkeyExporter,
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } } as ResourcesProps,
  /** Share of the memory limit given to data; the rest covers connections, replication buffers and fragmentation. */
  maxmemoryRatio: 0.75,
  /** The redis_exporter sidecar's own resources. */
  exporterResources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } } as ResourcesProps,
  sentinel: {
    replicas: 3,
    sentinels: 3,
    quorum: 2,
    masterName: 'mymaster',
    downAfter: Duration.seconds(5),
    failoverTimeout: Duration.seconds(60),
    resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
  } as SentinelDefaults,
} as const;
