import type { Manifest } from '../synth/render';

export type Severity = 'error' | 'warning';

/** One object under validation, with where it came from. */
export interface Subject {
  readonly manifest: Manifest;
  /** Repository-relative (or folder-relative) path of its file. */
  readonly file: string;
  /** Path of the construct that produced it, when known. */
  readonly constructPath?: string;
  /** Line of the file where its document starts. */
  readonly line?: number;
  /** Where it was written by hand or templated, when not by a construct: a YAML file and line, a chart's template. */
  readonly source?: ObjectSource;
}

/** The file (and line) an object rendered from upstream YAML or a Helm chart comes from. */
export interface ObjectSource {
  /** Repository-relative: `charts/manifests/whoami/deployment.yaml`, `vendor/charts/app-template-4.1.1/templates/common.yaml`. */
  readonly file: string;
  /** Line where its document starts, for a YAML file (a template's lines are not the output's). */
  readonly line?: number;
  /** Its place among the documents of that file or template. */
  readonly document: number;
}

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  /** `Kind namespace/name`, or `Kind name` for cluster-scoped objects. */
  readonly object: string;
  readonly file: string;
  readonly line?: number;
  readonly constructPath?: string;
  /** The YAML file or chart template it came from, which a finding points at before the file it would be written to. */
  readonly source?: ObjectSource;
  readonly message: string;
  /** The reason given when the object is exempt from the rule; exempt findings do not fail. */
  readonly exemption?: string;
}

export function describeObject(manifest: Manifest): string {
  const ns = manifest.metadata?.namespace;
  return `${manifest.kind} ${ns ? `${ns}/` : ''}${manifest.metadata?.name ?? '(unnamed)'}`;
}
