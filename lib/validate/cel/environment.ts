import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Environment } from '@marcbachmann/cel-js';
import { rewriteHasOnIndex } from './has-rewrite';
import { CelRule, CelSchema } from './schema';

// Bump when compiling or evaluating changes (a rewrite, list checks), so cached schemas and verdicts are redone.
const COMPILE_FORMAT = 3;

/** Part of every cache key: another cel-js may check or evaluate rules differently (its package.json is not exported). */
export const CEL_JS_VERSION: string = `${JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve('@marcbachmann/cel-js')), '../package.json'), 'utf8')).version}-${COMPILE_FORMAT}`;

let env: Environment | undefined;

// One CEL environment for every CRD rule: `self` is dynamic, as the API server types it from
// the schema; Kubernetes' string, list and regex extensions are built into cel-js. Loaded on the
// first rule that needs it: a synth whose verdicts are all cached never pays for it.
function environment(): Environment {
  if (!env) {
    const cel = require('@marcbachmann/cel-js') as typeof import('@marcbachmann/cel-js');
    env = new cel.Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false, enableOptionalTypes: true });
  }
  return env;
}

export type CompiledRule =
  | { readonly kind: 'checked'; readonly evaluate: (self: unknown) => unknown }
  /** Transition rules compare with the stored object: they apply on update, never on create. */
  | { readonly kind: 'transition' }
  /** A function or construct cel-js cannot type-check or run: said in the summary, not skipped silently. */
  | { readonly kind: 'unsupported'; readonly reason: string };

const compiled = new Map<string, CompiledRule>();

function compile(rule: string): CompiledRule {
  if (/\boldSelf\b/.test(rule)) return { kind: 'transition' };
  try {
    const source = rewriteHasOnIndex(rule);
    const check = environment().check(source);
    if (!check.valid) return { kind: 'unsupported', reason: check.error?.message.split('\n')[0] ?? 'type check failed' };
    const program = environment().parse(source);
    return { kind: 'checked', evaluate: self => program({ self }) };
  } catch (error) {
    return { kind: 'unsupported', reason: (error as Error).message.split('\n')[0] };
  }
}

/** The rule, parsed and type-checked once per process. */
export function compileRule(rule: string): CompiledRule {
  let result = compiled.get(rule);
  if (!result) compiled.set(rule, result = compile(rule));
  return result;
}

/** Records on every rule of the schema whether it can be checked, so cached schemas answer without cel-js. */
export function classifyRules(schema: CelSchema): CelSchema {
  // The cached schema is built here and annotated in place, once.
  const visit = (node: CelSchema): void => {
    for (const rule of (node['x-kubernetes-validations'] ?? []) as { -readonly [K in keyof CelRule]: CelRule[K] }[]) {
      const result = compileRule(rule.rule);
      rule.status = result.kind;
      if (result.kind === 'unsupported') rule.reason = result.reason;
    }
    Object.values(node.properties ?? {}).forEach(visit);
    if (node.items) visit(node.items);
    if (typeof node.additionalProperties === 'object') visit(node.additionalProperties);
  };
  visit(schema);
  return schema;
}
