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
}

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  /** `Kind namespace/name`, or `Kind name` for cluster-scoped objects. */
  readonly object: string;
  readonly file: string;
  readonly line?: number;
  readonly constructPath?: string;
  readonly message: string;
  /** The reason given when the object is exempt from the rule; exempt findings do not fail. */
  readonly exemption?: string;
}

export function describeObject(manifest: Manifest): string {
  const ns = manifest.metadata?.namespace;
  return `${manifest.kind} ${ns ? `${ns}/` : ''}${manifest.metadata?.name ?? '(unnamed)'}`;
}
