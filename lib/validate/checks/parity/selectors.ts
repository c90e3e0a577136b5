import { ValidationContext } from '../../context';
import { Subject } from '../../finding';
import { QUALIFIED_NAME } from './fields';
import { isControllerKind } from '../../../model/pods';

const SELECTOR_KEYS = new Set(['selector', 'labelSelector', 'podSelector', 'namespaceSelector']);
const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function keyValid(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  return (prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix))) && name.length <= 63 && QUALIFIED_NAME.test(name);
}

const valueValid = (v: unknown) => typeof v === 'string' && v.length <= 63 && (v === '' || QUALIFIED_NAME.test(v));

/** One metav1.LabelSelector: keys and values as labels, operators with the values they need. */
/** A LabelSelector as written: values of any type, which the checks test. */
interface WrittenSelector {
  readonly matchLabels?: Record<string, unknown>;
  readonly matchExpressions?: { readonly key?: unknown; readonly operator?: unknown; readonly values?: unknown[] }[];
}

function checkSelector(ctx: ValidationContext, subject: Subject, path: string, selector: WrittenSelector): void {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (!keyValid(key)) ctx.report(subject, 'api.label-selector', `${path}.matchLabels: key "${key}" is not a valid label key`);
    else if (!valueValid(value)) ctx.report(subject, 'api.label-selector', `${path}.matchLabels.${key}: "${value}" is not a valid label value`);
  }
  (selector.matchExpressions ?? []).forEach((expression, i) => {
    const at = `${path}.matchExpressions[${i}]`;
    const values: unknown[] = expression.values ?? [];
    if (!keyValid(String(expression.key))) ctx.report(subject, 'api.label-selector', `${at}.key: "${expression.key}" is not a valid label key`);
    if (typeof expression.operator !== 'string' || !OPERATORS.has(expression.operator)) ctx.report(subject, 'api.label-selector', `${at}.operator: "${expression.operator}" is not one of In, NotIn, Exists, DoesNotExist`);
    else if ((expression.operator === 'In' || expression.operator === 'NotIn') && values.length === 0) ctx.report(subject, 'api.label-selector', `${at}.values: must be non-empty when operator is ${expression.operator}`);
    else if ((expression.operator === 'Exists' || expression.operator === 'DoesNotExist') && values.length > 0) ctx.report(subject, 'api.label-selector', `${at}.values: must be empty when operator is ${expression.operator}`);
    values.forEach((v, j) => {
      if (!valueValid(v)) ctx.report(subject, 'api.label-selector', `${at}.values[${j}]: "${v}" is not a valid label value`);
    });
  });
}

/** Walks an object for LabelSelectors (workloads, PDBs, NetworkPolicy peers, spread and affinity terms). */
function walk(ctx: ValidationContext, subject: Subject, node: unknown, path: string): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => walk(ctx, subject, item, `${path}[${i}]`));
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    const at = path ? `${path}.${key}` : key;
    // A Service's spec.selector is a plain map; a LabelSelector has matchLabels or matchExpressions.
    if (SELECTOR_KEYS.has(key) && value && typeof value === 'object' && ('matchLabels' in value || 'matchExpressions' in value)) checkSelector(ctx, subject, at, value);
    else if (key !== 'metadata') walk(ctx, subject, value, at);
  }
}

/** Label selectors of built-in kinds (custom resources follow their CRD's schema and rules). */
export function checkLabelSelectors(ctx: ValidationContext, builtIn: (subject: Subject) => boolean): void {
  for (const subject of ctx.index.objects) {
    // A CRD holds no selector, only schemas of them: its megabytes are not walked.
    if (!builtIn(subject) || subject.manifest.kind === 'CustomResourceDefinition') continue;
    const m = subject.manifest as { kind: string; spec?: { selector?: WrittenSelector } };
    walk(ctx, subject, m.spec, 'spec');
    // An empty selector would select every pod in the namespace: controllers refuse it.
    const selector = m.spec?.selector;
    if (isControllerKind(m.kind) && !Object.keys(selector?.matchLabels ?? {}).length && !(selector?.matchExpressions ?? []).length) {
      ctx.report(subject, 'api.label-selector', `spec.selector: empty selector is invalid for a ${m.kind}`);
    }
  }
}
