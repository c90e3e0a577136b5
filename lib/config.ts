import { IConstruct } from 'constructs';
import { fail } from './errors';

/** Every field optional, recursively: the shape of a chart's overrides. */
export type Overrides<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? Overrides<T[K]> : T[K];
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** One variant of a tagged union replacing another (an S3 remote by an SFTP one): nothing of the old one applies. */
function changesVariant(base: Record<string, unknown>, value: Record<string, unknown>): boolean {
  return typeof base.type === 'string' && typeof value.type === 'string' && base.type !== value.type;
}

/**
 * A chart's config: its defaults with the overrides merged in. Nested plain objects merge key by
 * key, unless the override names another `type` (a tagged union's other variant), which replaces
 * the object whole; arrays and value objects (Duration, Probe) are replaced whole too.
 * `undefined` keeps the default.
 */
export function withDefaults<T>(defaults: T, overrides: Overrides<T> = {}): T {
  const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, value] of Object.entries(overrides as Record<string, unknown>)) {
    if (value === undefined) continue;
    const base = merged[key];
    merged[key] = isPlainObject(base) && isPlainObject(value) && !changesVariant(base, value) ? withDefaults(base, value) : value;
  }
  return merged as T;
}

/** A construct's props once its defaults are applied: every defaulted prop is set. */
export type Resolved<P, D> = Omit<P, keyof D> & { readonly [K in keyof D & keyof P]-?: Exclude<P[K], undefined> };

/**
 * A construct's props with its defaults applied, once, at the top of its constructor: a prop
 * given replaces its default whole (a chart's config merges deeply instead, `withDefaults`).
 * `defaults` is the construct's one `*_DEFAULTS` object, which its props' `@default`s name.
 */
export function resolveProps<P extends object, D extends { readonly [K in keyof P]?: P[K] }>(defaults: D, props: P): Resolved<P, D> {
  const resolved: Record<string, unknown> = { ...(props as Record<string, unknown>) };
  for (const [key, value] of Object.entries(defaults)) {
    if (resolved[key] === undefined) resolved[key] = value;
  }
  return resolved as Resolved<P, D>;
}

/** Fields of a chart's config that have a new name, as dotted paths: old name to new name. */
export type RenamedFields = Readonly<Record<string, string>>;

/**
 * The overrides, once none sets a field by a name it no longer has: `withDefaults` would keep
 * such a field without reading it, so the setting would be lost in silence. Fails naming both.
 */
export function refuseRenamed<T>(scope: IConstruct, overrides: Overrides<T>, renamed: RenamedFields): Overrides<T> {
  for (const [old, now] of Object.entries(renamed)) {
    const value = old.split('.').reduce<unknown>((at, key) => (isPlainObject(at) ? at[key] : undefined), overrides);
    if (value !== undefined) fail(scope, old, `is now "${now}", the name of the construct prop it sets; rename it`);
  }
  return overrides;
}
