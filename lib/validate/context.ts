import { Container, KindMap, PodSpec, PodTemplate as ModelPodTemplate, selects } from '../model/kube';
import { podTemplateOf as templateOf } from '../model/pods';
import { exemptionsOf } from '../rules/exemption';
import { Finding, Subject, describeObject } from './finding';
import { RULES, RuleId } from '../rules/rules';

/** A pod template as the checks read it: the model's typing (lib/model/kube.ts). */
export type PodTemplate = ModelPodTemplate;

/** The pod template of a workload (the Pod itself for a Pod), or undefined for other kinds: the model's rule. */
export function podTemplateOf(subject: Subject): PodTemplate | undefined {
  return templateOf(subject.manifest);
}

/** All containers of a pod spec, init and ephemeral ones included. */
export function containersOf(spec: PodSpec | undefined): Container[] {
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])];
}

/** Whether `labels` carry every key and value of `selector`: the model's rule. */
export { selects };

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The objects under validation, indexed, and the findings gathered so far. */
export class ValidationContext {
  public readonly findings: Finding[] = [];
  private readonly index = new Map<string, Subject>();
  private readonly byKind = new Map<string, Subject[]>();
  private readonly byNamespace = new Map<string | undefined, Subject[]>();
  private readonly templatesByNamespace = new Map<string | undefined, { owner: Subject; template: PodTemplate }[]>();

  constructor(public readonly subjects: Subject[]) {
    // Indexes keep every check linear in the number of objects (10,000 in the benchmark).
    for (const s of subjects) {
      const ns = s.manifest.metadata?.namespace;
      const key = this.key(s.manifest.kind, ns, s.manifest.metadata?.name);
      if (!this.index.has(key)) this.index.set(key, s);
      push(this.byKind, s.manifest.kind, s);
      push(this.byNamespace, ns, s);
      const template = podTemplateOf(s);
      if (template) push(this.templatesByNamespace, ns, { owner: s, template });
    }
  }

  private key(kind: string, namespace: string | undefined, name: string | undefined): string {
    return `${kind}/${namespace ?? ''}/${name ?? ''}`;
  }

  public find(kind: string, namespace: string | undefined, name: string): Subject | undefined {
    return this.index.get(this.key(kind, namespace, name));
  }

  public ofKind(kind: string): Subject[] {
    return this.byKind.get(kind) ?? [];
  }

  /**
   * The subjects of a kind (by its bare name, whatever the API version), each typed as that kind's
   * schema declares it. Values come from YAML a user wrote, so checks still test their type where a
   * wrong one would mislead them; the schema check reports the wrong type itself.
   */
  public typedOfKind<K extends keyof KindMap>(kind: K): { subject: Subject; object: KindMap[K] }[] {
    return this.ofKind(kind.slice(kind.lastIndexOf('/') + 1)).map(subject => ({ subject, object: this.typed(subject, kind) }));
  }

  /** A subject already known to be of `kind`, typed as that kind's schema declares it (see typedOfKind). */
  public typed<K extends keyof KindMap>(subject: Subject, kind: K): KindMap[K] {
    void kind;
    return subject.manifest as unknown as KindMap[K];
  }

  public inNamespace(namespace: string | undefined): Subject[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  /** Pod templates in a namespace, with the object that owns each. */
  public podTemplatesIn(namespace: string | undefined): { owner: Subject; template: PodTemplate }[] {
    return this.templatesByNamespace.get(namespace) ?? [];
  }

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
