import { IConstruct } from 'constructs';
import { fail } from '../errors';

// The grammar of resource.Quantity (k8s.io/apimachinery): a decimal number with an optional
// binary (Ki..Ei), decimal (n, u, m, k, M..E) or exponent suffix.
const QUANTITY = /^\+?(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const MULTIPLIER: Record<string, number> = {
  '': 1,
  'n': 1e-9, 'u': 1e-6, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
  'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60,
};

/** The value of a Kubernetes quantity in base units (cores, bytes), or undefined if it is not one. */
export function parseQuantity(value: string): number | undefined {
  const match = QUANTITY.exec(value);
  if (!match) return undefined;
  const [, number, suffix = ''] = match;
  const multiplier = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : MULTIPLIER[suffix];
  return Number(number) * multiplier;
}

/** Parses a quantity prop, throwing an error that names the construct path and field. */
export function quantity(scope: IConstruct, field: string, value: string): number {
  const parsed = typeof value === 'string' ? parseQuantity(value) : undefined;
  if (parsed === undefined) {
    fail(scope, field, `"${value}" is not a Kubernetes quantity (for example 500m, 2, 128Mi, 10Gi)`);
  }
  return parsed;
}

/** Formats a CPU amount in cores as whole cores when exact, else millicores (2, 1500m). */
export function formatCpu(cores: number): string {
  const millis = Math.round(cores * 1000);
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}
