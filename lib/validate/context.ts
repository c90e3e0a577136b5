import { Container, ObjectIndex, PodSpec, selects } from '../model';
import { exemptionsOf } from '../rules/exemption';
import { Finding, Subject, describeObject } from './finding';
import { RULES, RuleId } from '../rules/rules';

/** All containers of a pod spec, init and ephemeral ones included. */
export function containersOf(spec: PodSpec | undefined): Container[] {
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])];
}

/** Whether `labels` carry every key and value of `selector`: the model's rule. */
export { selects };

/**
 * The objects under validation, in the model's index (lib/model/object-index.ts, the one the
 * platform model and the cluster harness read), and the findings gathered so far. The index is
 * given, not built here: synthesis hands over the platform model it builds once for its checks
 * and report; files read from disk are indexed by `validateSubjects`.
 */
export class ValidationContext {
  public readonly findings: Finding[] = [];

  constructor(public readonly index: ObjectIndex<Subject>) {}

  /** Records a finding; an exemption the object carries for the rule turns it into a note. */
  public report(subject: Subject, rule: RuleId, message: string): void {
    const exemption = exemptionsOf(subject.manifest.metadata?.annotations).get(rule);
    this.findings.push({
      rule,
      severity: RULES[rule].severity,
      object: describeObject(subject.manifest),
      file: subject.file,
      line: subject.line,
      constructPath: subject.constructPath,
      ...(subject.source ? { source: subject.source } : {}),
      message,
      ...(exemption ? { exemption } : {}),
    });
  }
}
