import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { fail } from '../errors';
import { standardLabels } from '../k8s/labels';
import { AppNeeds, ContainerDefaults, needsOf } from '../model';
import { appsModel, declareContainerDefaults } from './apps-model';

export { needsOf } from '../model';
export type { ContainerDefaults } from '../model';
import { AppChart } from './app-chart';
import { Platform } from './platform';

/** How much room a quota leaves above what the app's own objects ask for. */
export const QUOTA_HEADROOM = 1.5;

/** Defaults a LimitRange gives a container that sets no resources (an operator's, a debug pod). */
export const CONTAINER_DEFAULTS: ContainerDefaults = {
  defaultRequest: { cpu: '50m', memory: '64Mi' },
  default: { cpu: '250m', memory: '256Mi' },
};


export interface ResourceQuotasProps {
  /**
   * How much room each quota leaves above what the app's workloads need at most.
   * @default QUOTA_HEADROOM (1.5)
   */
  readonly headroom?: number;
  /**
   * Requests and limits the LimitRange gives containers that set none.
   * @default CONTAINER_DEFAULTS (50m/64Mi requested, 250m/256Mi at most)
   * @see https://kubernetes.io/docs/concepts/policy/limit-range/
   */
  readonly containerDefaults?: ContainerDefaults;
}

const MI = 1024 * 1024;

/** `needs` with headroom, CPU rounded up to 100m, memory to 64Mi. */
export function quotaOf(needs: AppNeeds, headroom = QUOTA_HEADROOM): Record<string, string> {
  const cpu = (cores: number) => `${Math.max(1, Math.ceil((cores * headroom * 1000) / 100 - 1e-9)) * 100}m`;
  const memory = (bytes: number) => `${Math.max(1, Math.ceil((bytes * headroom) / (64 * MI) - 1e-9)) * 64}Mi`;
  return {
    pods: String(Math.ceil(needs.pods * headroom)),
    'requests.cpu': cpu(needs.requests.cpu),
    'requests.memory': memory(needs.requests.memory),
    'limits.cpu': cpu(needs.limits.cpu),
    'limits.memory': memory(needs.limits.memory),
  };
}

/**
 * A ResourceQuota and a LimitRange in every app namespace (seed 004), both named after the app.
 * The quota is sized from the app's own rendered workloads (the shared model, `lib/model/`, as the
 * report sizes them): pods at their maximum (replicas, autoscaler maximum, DaemonSet per node, CNPG
 * instances), plus one rollout's surge each, times QUOTA_HEADROOM. The LimitRange gives containers
 * that set nothing CONTAINER_DEFAULTS, so the quota never refuses a pod for lacking requests.
 * Derived in the `namespaces` step of the derive phase; it may be created anywhere among the app charts.
 * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/
 */
export class ResourceQuotas extends Construct {
  public readonly headroom: number;
  public readonly containerDefaults: ContainerDefaults;

  constructor(platform: Platform, id = 'resource-quotas', props: ResourceQuotasProps = {}) {
    super(platform, id);
    this.headroom = props.headroom ?? QUOTA_HEADROOM;
    if (!(this.headroom >= 1)) fail(this, 'headroom', `must be at least 1, or pods the app declares would not fit (got ${this.headroom})`);
    this.containerDefaults = props.containerDefaults ?? CONTAINER_DEFAULTS;
    // Containers that set no resources are sized, and counted in the quota, as the LimitRange will admit them.
    declareContainerDefaults(platform, this.containerDefaults);
    platform.onDerive(this, 'namespaces', () => {
      const model = appsModel(platform);
      for (const app of platform.apps) {
        const workloads = model.workloads.filter(w => w.app === app.outputDir);
        if (!workloads.length) continue;
        this.render(app, quotaOf(needsOf(workloads), this.headroom));
      }
    });
  }

  private render(app: AppChart, hard: Record<string, string>): void {
    const scope = new Construct(app, 'ResourceQuota');
    const metadata = { name: app.appName, namespace: app.namespace, labels: standardLabels({ name: app.appName, app: app.appName, component: 'resource-limits' }) };
    new ApiObject(scope, 'ResourceQuota', { apiVersion: 'v1', kind: 'ResourceQuota', metadata, spec: { hard } });
    new ApiObject(scope, 'LimitRange', {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata,
      spec: { limits: [{ type: 'Container', defaultRequest: { ...this.containerDefaults.defaultRequest }, default: { ...this.containerDefaults.default } }] },
    });
  }
}
