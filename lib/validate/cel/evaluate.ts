import { CelRule, CelSchema } from './schema';
import { compileRule } from './environment';

export interface CelFailure {
  /** Field path of the value the rule is about, e.g. spec.rules[0].matches[0].path */
  readonly path: string;
  /** The CEL rule broken; absent for a duplicate in a set or map list. */
  readonly rule?: CelRule;
  readonly message: string;
}

export interface CelOutcome {
  readonly failures: CelFailure[];
  /** Rules that could not be evaluated on this object, with why (said in the summary). */
  readonly errors: { rule: CelRule; path: string; reason: string }[];
}

/** The value as CEL sees it: schema integers as int (bigint), the rest as they are. */
function toCel(value: unknown, schema: CelSchema | undefined): unknown {
  if (typeof value === 'number') {
    const integer = schema?.type === 'integer' || schema?.['x-kubernetes-int-or-string'] || (!schema?.type && Number.isInteger(value));
    return integer && Number.isInteger(value) ? BigInt(value) : value;
  }
  if (Array.isArray(value)) return value.map(v => toCel(v, schema?.items));
  if (value && typeof value === 'object') {
    const additional = typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, toCel(v, schema?.properties?.[k] ?? additional)]));
  }
  return value;
}

/** Fills schema defaults where a field is absent, as the API server does before validating. */
function withDefaults(value: unknown, schema: CelSchema | undefined): unknown {
  if (!schema) return value;
  if (Array.isArray(value)) return value.map(v => withDefaults(v, schema.items));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    if (out[key] === undefined && child.default !== undefined) out[key] = structuredClone(child.default);
    if (out[key] !== undefined) out[key] = withDefaults(out[key], child);
  }
  if (typeof schema.additionalProperties === 'object') {
    for (const key of Object.keys(out)) if (!schema.properties?.[key]) out[key] = withDefaults(out[key], schema.additionalProperties);
  }
  return out;
}

/** Items of a set list, or item keys of a map list, that repeat: the API server's "Duplicate value". */
function checkDuplicates(list: unknown[], schema: CelSchema, path: string, outcome: CelOutcome): void {
  const type = schema['x-kubernetes-list-type'];
  if (type !== 'set' && type !== 'map') return;
  const keys = schema['x-kubernetes-list-map-keys'] ?? [];
  const seen = new Set<string>();
  list.forEach((item, i) => {
    const identity = JSON.stringify(type === 'set' ? item : Object.fromEntries(keys.map(k => [k, (item as Record<string, unknown>)?.[k]])));
    if (seen.has(identity)) outcome.failures.push({ path: `${path}[${i}]`, message: `Duplicate value: ${identity} (x-kubernetes-list-type ${type}${type === 'map' ? ` keyed by ${keys.join(', ')}` : ''})` });
    seen.add(identity);
  });
}

function walk(value: unknown, schema: CelSchema, path: string, outcome: CelOutcome): void {
  if (value === undefined || value === null) return;
  for (const rule of schema['x-kubernetes-validations'] ?? []) {
    if (rule.status !== 'checked') continue;
    const compiled = compileRule(rule.rule);
    if (compiled.kind !== 'checked') continue;
    try {
      const result = compiled.evaluate(toCel(value, schema));
      if (result === false) outcome.failures.push({ path, rule, message: rule.message ?? `failed rule: ${rule.rule}` });
      else if (result !== true) outcome.errors.push({ rule, path, reason: `evaluated to ${String(result)}, not a bool` });
    } catch (error) {
      outcome.errors.push({ rule, path, reason: (error as Error).message.split('\n')[0] });
    }
  }
  if (Array.isArray(value)) {
    checkDuplicates(value, schema, path, outcome);
    if (schema.items) value.forEach((item, i) => walk(item, schema.items!, `${path}[${i}]`, outcome));
    return;
  }
  if (typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const childSchema = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (childSchema) walk(child, childSchema, path ? `${path}.${key}` : key, outcome);
  }
}

/** Every CEL rule of the schema over the object (defaults applied first), with its failures. */
export function evaluateCelRules(object: unknown, schema: CelSchema): CelOutcome {
  const outcome: CelOutcome = { failures: [], errors: [] };
  walk(withDefaults(object, schema), schema, '', outcome);
  return outcome;
}

/** Every rule of the schema with the path of the node it sits on ([] for list items), for coverage figures. */
export function rulesOf(schema: CelSchema, path = ''): { rule: CelRule; path: string }[] {
  const child = (key: string) => (path ? `${path}.${key}` : key);
  return [
    ...(schema['x-kubernetes-validations'] ?? []).map(rule => ({ rule, path })),
    ...Object.entries(schema.properties ?? {}).flatMap(([key, s]) => rulesOf(s, child(key))),
    ...(schema.items ? rulesOf(schema.items, `${path}[]`) : []),
    ...(typeof schema.additionalProperties === 'object' ? rulesOf(schema.additionalProperties, child('*')) : []),
  ];
}
