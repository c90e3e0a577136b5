import type { IConstruct } from 'constructs';
import type { ObjectSource } from '../validate/finding';

const ORIGINS = new WeakMap<IConstruct, { description: string; source?: ObjectSource }>();

/**
 * Records where an object's content came from beyond its construct (a Helm template, a YAML
 * file), so the header comment of its file in dist/ names it, and findings point at that source.
 */
export function setOrigin(object: IConstruct, origin: string, source?: ObjectSource): void {
  ORIGINS.set(object, { description: origin, ...(source ? { source } : {}) });
}

export function originOf(object: IConstruct): string | undefined {
  return ORIGINS.get(object)?.description;
}

/** The file (and line) the object was written in, when it came from YAML or a chart. */
export function sourceOf(object: IConstruct): ObjectSource | undefined {
  return ORIGINS.get(object)?.source;
}
