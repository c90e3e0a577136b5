import type { ValidateFunction } from 'ajv';
import type { CelSchemaEntry } from '../cel/schema';

/** Where a kind's schema comes from. */
export type SchemaSource = 'kubernetes' | 'crd';

export interface KindSchema {
  readonly source: SchemaSource;
  readonly validate: ValidateFunction;
  /**
   * What the validator's code is made from (its compiled module and definition): equal keys
   * validate alike, so an outcome can be kept by it and the object's bytes. None: nothing is kept.
   */
  readonly key?: string;
  /** Whether the kind is cluster-scoped (known for CRDs; built-in kinds answer from lib/k8s/scope). */
  readonly clusterScoped?: boolean;
}

/** The schemas the validator checks objects against. */
export interface SchemaProvider {
  /** Rejects unknown fields, like `kubeconform -strict`. */
  readonly strict: boolean;
  /** Whether custom resources can be checked (a CRD folder is there). */
  readonly customResources: boolean;
  /** The Kubernetes release of the built-in kinds' schemas, when known. */
  readonly kubernetesVersion?: string;
  /** One line for reports: where the schemas come from. */
  readonly description: string;
  /** The schema of `apiVersion`/`kind`, or undefined for a kind it does not know. */
  schemaFor(apiVersion: string, kind: string): KindSchema | undefined;
  /** The validator of ObjectMeta, for custom resources whose CRD leaves metadata open. */
  objectMeta(): ValidateFunction;
  /** The CRD schema of a custom resource pruned to its CEL rules (x-kubernetes-validations), if any. */
  celSchemaFor?(apiVersion: string, kind: string): CelSchemaEntry | undefined;
}
