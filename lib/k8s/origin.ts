import type { IConstruct } from 'constructs';

const ORIGINS = new WeakMap<IConstruct, string>();

/**
 * Records where an object's content came from beyond its construct (a Helm template, a YAML
 * file), so the header comment of its file in dist/ names it.
 */
export function setOrigin(object: IConstruct, origin: string): void {
  ORIGINS.set(object, origin);
}

export function originOf(object: IConstruct): string | undefined {
  return ORIGINS.get(object);
}
