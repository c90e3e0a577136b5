import { stringify } from 'yaml';

// Kubernetes reads YAML 1.1, where `on`, `yes`, `0755` and `12:30` are not strings; writing in 1.1
// mode quotes them. No line folding: long values stay on one line and diff cleanly.
const OPTIONS = { version: '1.1', lineWidth: 0 } as const;

const TOP_KEYS = ['apiVersion', 'kind', 'metadata'];
const NESTED_KEYS = ['name', 'namespace'];

function keyOrder(first: string[]) {
  return (a: string, b: string): number => {
    const ia = first.indexOf(a);
    const ib = first.indexOf(b);
    if (ia >= 0 || ib >= 0) return (ia < 0 ? first.length : ia) - (ib < 0 ? first.length : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  };
}
const TOP_ORDER = keyOrder(TOP_KEYS);
const NESTED_ORDER = keyOrder(NESTED_KEYS);

/**
 * The same value with every mapping's keys in reading order: apiVersion, kind, metadata, then
 * `name` first in any list item, the rest alphabetical. Independent of construction order, so
 * the bytes depend only on the content.
 */
export function orderKeys(value: unknown, top = true): unknown {
  if (Array.isArray(value)) return value.map(item => orderKeys(item, false));
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const key of Object.keys(source).sort(top ? TOP_ORDER : NESTED_ORDER)) ordered[key] = orderKeys(source[key], false);
  return ordered;
}

/** One manifest as YAML, preceded by comment lines. */
export function toYamlDocument(object: unknown, comment: string[]): string {
  const header = comment.map(line => `# ${line}\n`).join('');
  return header + stringify(orderKeys(object), OPTIONS);
}
