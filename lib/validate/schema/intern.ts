type Schema = Record<string, unknown>;

// Subschemas smaller than this are cheaper inline than behind a reference.
const MIN_SIZE = 512;

/**
 * The same schema with every large subschema that occurs more than once moved to `$defs` and
 * referenced. CRDs repeat big structures (the ApplicationSet CRD embeds the Application spec in
 * every generator); compiled with `inlineRefs: false`, each shared part becomes one function, and
 * the validator shrinks from megabytes to what V8 compiles quickly.
 */
export function internSchema(schema: Schema): Schema {
  const counts = new Map<string, number>();
  const key = (s: unknown) => JSON.stringify(s);

  const visit = (s: unknown, count: boolean): unknown => {
    if (s === null || typeof s !== 'object' || Array.isArray(s)) return s;
    const source = s as Schema;
    const out: Schema = {};
    for (const [k, v] of Object.entries(source)) {
      if (k === 'properties' || k === 'patternProperties' || k === '$defs' || k === 'definitions') {
        out[k] = Object.fromEntries(Object.entries(v as Schema).map(([name, sub]) => [name, visit(sub, count)]));
      } else if (k === 'items' || k === 'additionalProperties' || k === 'not') {
        out[k] = Array.isArray(v) ? v.map(x => visit(x, count)) : visit(v, count);
      } else if (k === 'allOf' || k === 'anyOf' || k === 'oneOf') {
        out[k] = (v as unknown[]).map(x => visit(x, count));
      } else {
        out[k] = v;
      }
    }
    if (count) {
      const text = key(out);
      if (text.length >= MIN_SIZE) counts.set(text, (counts.get(text) ?? 0) + 1);
    }
    return out;
  };
  visit(schema, true);

  const defs: Schema = {};
  const names = new Map<string, string>();
  const replace = (s: unknown, root: boolean): unknown => {
    if (s === null || typeof s !== 'object' || Array.isArray(s)) return s;
    const source = s as Schema;
    const out: Schema = {};
    for (const [k, v] of Object.entries(source)) {
      if (k === 'properties' || k === 'patternProperties') {
        out[k] = Object.fromEntries(Object.entries(v as Schema).map(([name, sub]) => [name, replace(sub, false)]));
      } else if (k === 'items' || k === 'additionalProperties' || k === 'not') {
        out[k] = Array.isArray(v) ? v.map(x => replace(x, false)) : replace(v, false);
      } else if (k === 'allOf' || k === 'anyOf' || k === 'oneOf') {
        out[k] = (v as unknown[]).map(x => replace(x, false));
      } else {
        out[k] = v;
      }
    }
    if (root) return out;
    // Keyed by the original text, which is what the first pass counted.
    const text = key(visit(source, false));
    if ((counts.get(text) ?? 0) < 2) return out;
    let name = names.get(text);
    if (!name) {
      name = `s${names.size}`;
      names.set(text, name);
      defs[name] = out;
    }
    return { $ref: `#/$defs/${name}` };
  };
  const result = replace(schema, true) as Schema;
  return names.size ? { ...result, $defs: defs } : result;
}
