type Schema = Record<string, unknown>;

/**
 * A copy of an OpenAPI schema in which every object with declared properties rejects unknown
 * fields, as `kubeconform -strict` and the API server's strict field validation do. Objects that
 * preserve unknown fields, or already say what extra fields may hold, are left open.
 */
export function strictSchema<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(strictSchema) as T;
  if (schema === null || typeof schema !== 'object') return schema;
  const source = schema as Schema;
  const copy: Schema = {};
  for (const [key, value] of Object.entries(source)) {
    // `properties` maps field names to schemas; recurse into each schema, not into the map itself.
    copy[key] = key === 'properties' && value && typeof value === 'object'
      ? Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, strictSchema(v)]))
      : strictSchema(value);
  }
  if (copy.properties && copy.additionalProperties === undefined && copy['x-kubernetes-preserve-unknown-fields'] !== true) {
    copy.additionalProperties = false;
  }
  return copy as T;
}

/** `x-kubernetes-int-or-string` as plain JSON Schema, which Ajv understands. */
export function intOrStringAsOneOf<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(intOrStringAsOneOf) as T;
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: Schema = {};
  for (const [key, value] of Object.entries(schema as Schema)) copy[key] = intOrStringAsOneOf(value);
  if (copy['x-kubernetes-int-or-string'] === true && copy.type === undefined) {
    copy.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  return copy as T;
}
