/**
 * A Kubernetes object as rendered: plain JSON with at least these fields. Everything after
 * rendering (model, validator, checks, report, diff, cluster harness) reads objects of this type;
 * this module imports nothing of lib/, so any of them may import it.
 */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  readonly [field: string]: unknown;
}
