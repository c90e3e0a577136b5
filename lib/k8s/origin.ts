import type { IConstruct } from 'constructs';

/** The file (and line) an object rendered from upstream YAML or a Helm chart comes from. */
export interface ObjectSource {
  /** Repository-relative: `charts/manifests/whoami/deployment.yaml`, `vendor/charts/app-template-4.1.1/templates/common.yaml`. */
  readonly file: string;
  /** Line where its document starts, for a YAML file (a template's lines are not the output's). */
  readonly line?: number;
  /** Its place among the documents of that file or template. */
  readonly document: number;
}

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
