import type { ObjectSource } from '../k8s/origin';
import type { Manifest } from '../model/manifest';
import { RULES, RuleId, Severity } from '../rules/rules';

/**
 * What every rule reports, wherever it runs. A platform-stage finding is about constructs, so its
 * message starts with the construct path; an object finding (below) also says where the object is.
 */
export interface RuleFinding {
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly message: string;
}

/** A finding of a platform-stage rule (lib/checks, the naming conventions, the report). */
export function platformFinding(rule: RuleId, message: string): RuleFinding {
  return { rule, severity: RULES[rule].severity, message };
}

/** One line: the rule, then the message (which names the construct path). */
export function formatRuleFinding(f: RuleFinding): string {
  return `${f.rule} ${f.message}`;
}

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

export interface Finding extends RuleFinding {
  /** `Kind namespace/name`, or `Kind name` for cluster-scoped objects. */
  readonly object: string;
  readonly file: string;
  readonly line?: number;
  readonly constructPath?: string;
  /** The YAML file or chart template it came from, which a finding points at before the file it would be written to. */
  readonly source?: ObjectSource;
  /** The reason given when the object is exempt from the rule; exempt findings do not fail. */
  readonly exemption?: string;
}

export function describeObject(manifest: Manifest): string {
  const ns = manifest.metadata?.namespace;
  return `${manifest.kind} ${ns ? `${ns}/` : ''}${manifest.metadata?.name ?? '(unnamed)'}`;
}
