import { Subject } from '../../finding';
import type { Container, PodSpec } from '../../../model/kube';
import { podSpecPath } from '../../../model/pods';

// Helpers shared by the parity checks: where a pod spec sits in its object, and the grammars of
// the API server's validation (k8s.io/apimachinery/pkg/util/validation) the checks reuse.

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** Whether `name` is an IANA service name, as container and NetworkPolicy port names must be. */
export function isIanaServiceName(name: string): boolean {
  return name.length <= 15 && IANA_SVC_NAME.test(name) && /[a-z]/.test(name) && !name.includes('--');
}

/** Whether `value` is a valid port number. */
export function isPortNumber(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535;
}

/** The field path of a workload's pod spec, for messages: the model's. */
export { podSpecPath } from '../../../model/pods';

export interface ContainerAt {
  readonly container: Container;
  /** e.g. spec.template.spec.containers[0] */
  readonly path: string;
  readonly kind: 'initContainers' | 'containers' | 'ephemeralContainers';
}

/** Every container of a pod spec with its field path. */
export function containersAt(subject: Subject, spec: PodSpec | undefined): ContainerAt[] {
  const base = podSpecPath(subject.manifest.kind);
  // An ephemeral container has a container's fields (the API server validates them alike).
  return (['initContainers', 'containers', 'ephemeralContainers'] as const).flatMap(kind =>
    ((spec?.[kind] ?? []) as Container[]).map((container, i) => ({ container, path: `${base}.${kind}[${i}]`, kind })));
}

/** An intOrString percentage ("25%") or integer, as a number and whether it is a percentage. */
export function intOrPercent(value: unknown): { n: number; percent: boolean } | undefined {
  if (typeof value === 'number') return { n: value, percent: false };
  if (typeof value === 'string' && /^-?\d+%$/.test(value)) return { n: Number(value.slice(0, -1)), percent: true };
  return undefined;
}
