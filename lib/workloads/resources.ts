import { IConstruct } from 'constructs';
import { k8s } from 'cdk8s-plus-30';
import { fail } from '../errors';
import { quantity } from '../k8s/quantity';

/** CPU and memory as Kubernetes quantities, e.g. `{ cpu: '100m', memory: '128Mi' }`. */
export interface ResourceAmounts {
  /** CPU as a Kubernetes quantity: `'250m'`, `'1'`. */
  readonly cpu: string;
  /** Memory as a Kubernetes quantity: `'256Mi'`, `'1Gi'`. */
  readonly memory: string;
}

/**
 * Requests and limits of one container. Both are always set: requests let the scheduler place
 * the pod, and a memory limit keeps one container from starving the node.
 * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
 */
export interface ResourcesProps {
  /** What the scheduler reserves for the container, and what the quota counts. */
  readonly requests: ResourceAmounts;
  /** The most the container may use: CPU above it is throttled, memory above it is killed. */
  readonly limits: ResourceAmounts;
}

/** The amounts in base units, for budgets and quotas. */
export interface ResourceFigures {
  readonly requests: { readonly cpu: number; readonly memory: number };
  readonly limits: { readonly cpu: number; readonly memory: number };
}

/** Checks that every amount is a quantity and no limit is below its request. */
export function checkResources(scope: IConstruct, field: string, props: ResourcesProps): ResourceFigures {
  const figures = {
    requests: {
      cpu: quantity(scope, `${field}.requests.cpu`, props.requests.cpu),
      memory: quantity(scope, `${field}.requests.memory`, props.requests.memory),
    },
    limits: {
      cpu: quantity(scope, `${field}.limits.cpu`, props.limits.cpu),
      memory: quantity(scope, `${field}.limits.memory`, props.limits.memory),
    },
  };
  for (const kind of ['cpu', 'memory'] as const) {
    if (figures.limits[kind] < figures.requests[kind]) {
      fail(scope, `${field}.limits.${kind}`, `limit ${props.limits[kind]} is below the request ${props.requests[kind]}`);
    }
  }
  return figures;
}

/**
 * The container's resources; GPUs go in the limits only (an extended resource's request defaults
 * to its limit and cannot differ from it).
 * @see https://kubernetes.io/docs/tasks/manage-gpus/scheduling-gpus/
 */
export function toKubeResources(props: ResourcesProps, gpu?: { resource: string; count: number }): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString(props.requests.cpu), memory: k8s.Quantity.fromString(props.requests.memory) },
    limits: {
      cpu: k8s.Quantity.fromString(props.limits.cpu),
      memory: k8s.Quantity.fromString(props.limits.memory),
      ...(gpu ? { [gpu.resource]: k8s.Quantity.fromNumber(gpu.count) } : {}),
    },
  };
}
