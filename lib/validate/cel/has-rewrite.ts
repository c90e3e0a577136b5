// cel-js only accepts has() on a chain of field selections from a variable; Kubernetes rules also
// test a field of an indexed element (`has(self.matches[0].path)`). The optional field selection
// `e.?f.hasValue()` means the same (true when the map has key f, an error when e is one), so such
// calls are rewritten before compiling; reports still quote the rule as the CRD writes it.
const HAS_ON_INDEX = /\bhas\(\s*([^()]*\[[^()]*)\.\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)/g;

export function rewriteHasOnIndex(rule: string): string {
  return rule.replace(HAS_ON_INDEX, (_, target: string, field: string) => `${target.trim()}.?${field}.hasValue()`);
}
