import { CelOutcome, evaluateCelRules, rulesOf } from '../cel/evaluate';
import { VerdictCache } from '../verdict-cache';
import { ValidationContext } from '../context';
import { SchemaProvider } from '../schema/provider';

const RULE_TEXT = 100;
const short = (rule: string) => (rule.length > RULE_TEXT ? `${rule.slice(0, RULE_TEXT)}...` : rule);

/**
 * The CEL rules (x-kubernetes-validations) of each custom resource's CRD, as the API server runs
 * them on create. Returns the summary's notes: how many rules ran, and every rule that could not
 * (a function cel-js lacks, an evaluation error), once each; none is skipped silently.
 */
export function checkCrdValidations(ctx: ValidationContext, store: SchemaProvider, cacheDir: string): string[] {
  if (!store.celSchemaFor) return [];
  const verdicts = new VerdictCache<CelOutcome>(cacheDir, 'cel-verdicts.json');
  const kinds = new Map<string, { checked: number; transition: number }>();
  const notChecked = new Map<string, string>();
  for (const subject of ctx.index.objects) {
    const { apiVersion, kind } = subject.manifest;
    if (!apiVersion || !kind || store.schemaFor(apiVersion, kind)?.source !== 'crd') continue;
    const entry = store.celSchemaFor(apiVersion, kind);
    if (!entry) continue;
    if (!kinds.has(`${apiVersion}/${kind}`)) {
      const tally = { checked: 0, transition: 0 };
      for (const { rule, path } of rulesOf(entry.schema)) {
        if (rule.status === 'checked') tally.checked++;
        else if (rule.status === 'transition') tally.transition++;
        else notChecked.set(`${kind} ${path} ${rule.rule}`, `${kind} ${path || '(root)'}: "${short(rule.rule)}" (${rule.reason ?? 'not classified'})`);
      }
      kinds.set(`${apiVersion}/${kind}`, tally);
    }
    const outcome = verdicts.outcome(VerdictCache.key(entry.key, subject.manifest), () => evaluateCelRules(subject.manifest, entry.schema));
    for (const { path, rule, message } of outcome.failures) {
      const at = `${path}${rule?.fieldPath ?? ''}`.replace(/^\./, '') || '(root)';
      ctx.report(subject, 'crd-validation', rule ? `${at}: ${message} (x-kubernetes-validations rule: ${short(rule.rule)})` : `${at}: ${message}`);
    }
    for (const { path, rule, reason } of outcome.errors) {
      notChecked.set(`${kind} ${subject.manifest.metadata?.name} ${path} ${rule.rule}`, `${kind} ${subject.manifest.metadata?.name} at ${path || '(root)'}: "${short(rule.rule)}" (${reason})`);
    }
  }
  verdicts.save();
  if (!kinds.size) return [];
  const tallies = [...kinds.values()];
  const checked = tallies.reduce((n, t) => n + t.checked, 0);
  const transition = tallies.reduce((n, t) => n + t.transition, 0);
  return [
    `CEL rules: ${checked} evaluated over ${kinds.size} custom resource kinds, ${transition} transition rules apply on update only, ${notChecked.size} not checked`,
    ...[...notChecked.values()].map(line => `CEL rule not checked: ${line}`),
  ];
}
