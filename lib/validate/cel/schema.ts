// The part of a CRD's openAPIV3Schema that the API server's validation beyond JSON schema needs:
// the nodes carrying x-kubernetes-validations or a set/map list type, the path to them, and under them what evaluation reads (types,
// defaults, nested properties). Pruned once and cached, so a synth never parses CRD YAML again.

export interface CelRule {
  readonly rule: string;
  readonly message?: string;
  readonly fieldPath?: string;
  /** Set when the pruned schema is cached (classifyRules): whether cel-js can check the rule. */
  readonly status?: 'checked' | 'transition' | 'unsupported';
  readonly reason?: string;
}

/** A CRD's pruned schema and the key of its cache entry (CRD bytes, cel-js version). */
export interface CelSchemaEntry {
  readonly key: string;
  readonly schema: CelSchema;
}

export interface CelSchema {
  readonly type?: string;
  readonly default?: unknown;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly properties?: Record<string, CelSchema>;
  readonly items?: CelSchema;
  readonly additionalProperties?: CelSchema | boolean;
  readonly 'x-kubernetes-validations'?: CelRule[];
  /** Lists whose items the API server holds unique: whole items (set) or their keys (map). */
  readonly 'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  readonly 'x-kubernetes-list-map-keys'?: string[];
}

const KEPT = ['type', 'default', 'x-kubernetes-int-or-string', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys'] as const;

/** A node of a CRD's openAPIV3Schema as read from its YAML. */
interface RawSchema {
  readonly [keyword: string]: unknown;
  readonly properties?: Record<string, unknown>;
  readonly items?: unknown;
  readonly additionalProperties?: unknown;
  readonly 'x-kubernetes-validations'?: CelRule[];
}

/** Whether the API server checks the list's items for duplicates. */
const uniqueList = (schema: RawSchema) => schema['x-kubernetes-list-type'] === 'set' || schema['x-kubernetes-list-type'] === 'map';

/** The whole subtree, without descriptions and other keywords evaluation does not read. */
function strip(schema: RawSchema): CelSchema {
  const out: Record<string, unknown> = {};
  for (const key of KEPT) if (schema[key] !== undefined) out[key] = schema[key];
  if (schema['x-kubernetes-validations']) {
    out['x-kubernetes-validations'] = schema['x-kubernetes-validations'].map(v => ({ rule: v.rule, ...(v.message ? { message: v.message } : {}), ...(v.fieldPath ? { fieldPath: v.fieldPath } : {}) }));
  }
  if (schema.properties) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, strip(v as RawSchema)]));
  if (schema.items) out.items = strip(schema.items as RawSchema);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') out.additionalProperties = strip(schema.additionalProperties as RawSchema);
  return out as CelSchema;
}

/** The schema pruned to the paths that lead to CEL rules, or undefined when it has none. */
export function pruneForCel(value: unknown): CelSchema | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const schema = value as RawSchema;
  if (schema['x-kubernetes-validations']?.length) return strip(schema);
  const out: Record<string, unknown> = {};
  const properties = Object.entries(schema.properties ?? {}).flatMap(([k, v]) => {
    const pruned = pruneForCel(v);
    return pruned ? [[k, pruned]] : [];
  });
  if (properties.length) out.properties = Object.fromEntries(properties);
  const items = pruneForCel(schema.items);
  if (items) out.items = items;
  const additional = pruneForCel(schema.additionalProperties);
  if (additional) out.additionalProperties = additional;
  if (!Object.keys(out).length && !uniqueList(schema)) return undefined;
  for (const key of KEPT) if (schema[key] !== undefined) out[key] = schema[key];
  return out as CelSchema;
}
