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
