import { ApiObject, App, ImplicitTokenResolver, JsonPatch, Lazy, LazyResolver, NumberStringUnionResolver } from 'cdk8s';

/**
 * cdk8s's `ApiObject.toJson()`, giving the same JSON with a fraction of the work. The original
 * walks every value twice (resolve, then sanitize) and, for every value, looks for the App again
 * from the object up (`App.of`), builds a resolution context and copies the key path; on the
 * platform's objects (Argo CD's install holds megabytes of CRD schema) that was a tenth of a
 * synth, and more in the thousand-app benchmark. Here one pass does both with the App's resolvers
 * as cdk8s orders them by default (Lazy, implicit tokens, number-or-string unions); an App with
 * resolvers of its own gets the original. test/fast-to-json.test.ts compares both on every object
 * of the platform and on each kind of value a resolver replaces.
 */
export const originalToJson: () => unknown = ApiObject.prototype.toJson;

const isDefault = (resolvers: unknown[] | undefined): boolean =>
  resolvers?.length === 3 &&
  resolvers[0]?.constructor === LazyResolver &&
  resolvers[1]?.constructor === ImplicitTokenResolver &&
  resolvers[2]?.constructor === NumberStringUnionResolver;

/** `sanitizeValue(resolve([], value, object), { sortKeys })`, as cdk8s computes it with its default resolvers. */
// Any value a construct's props hold (tokens, Lazy, class instances), probed the way cdk8s's resolvers probe it.
function resolved(value: any, sortKeys: boolean): unknown {
  if (value === null || value === undefined) return undefined;
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return value;
  // The resolvers, in their order: each replaced value is resolved again.
  if (value instanceof Lazy) return resolved(value.produce(), sortKeys);
  if (typeof value.resolve === 'function') return resolved(value.resolve(), sortKeys);
  if (value.constructor !== Object && (typeof value.value === 'number' || typeof value.value === 'string')) return resolved({ value: value.value }, sortKeys);
  if (Array.isArray(value)) return value.map(item => resolved(item, sortKeys));
  if (type !== 'object') return value;
  if (value.constructor != Object || value.constructor.name !== 'Object') {
    throw new Error(`can't render non-simple object of type '${value.constructor.name}'`);
  }
  const out: Record<string, unknown> = {};
  const keys = Object.keys(value);
  if (sortKeys) keys.sort();
  for (const key of keys) {
    const v = resolved(value[key], sortKeys);
    if (v !== null && v !== undefined) out[key] = v;
  }
  return out;
}

function fastToJson(this: ApiObject): unknown {
  if (!isDefault((App.of(this) as Partial<App>).resolvers)) return originalToJson.call(this);
  const self = this as unknown as { props: Record<string, unknown>; patches: JsonPatch[] };
  try {
    const data = { ...self.props, metadata: this.metadata.toJson() };
    const json = resolved(data, !process.env.CDK8S_DISABLE_SORT);
    const patched = JsonPatch.apply(json, ...self.patches);
    // apiVersion, kind and metadata first, then the rest, as the original orders them.
    const result: Record<string, unknown> = {};
    for (const k of ['apiVersion', 'kind', 'metadata', ...Object.keys(patched)]) if (k in patched) result[k] = patched[k];
    return result;
  } catch (e) {
    throw new Error(`Failed serializing construct at path '${this.node.path}' with name '${this.name}': ${e}`);
  }
}

ApiObject.prototype.toJson = fastToJson;
