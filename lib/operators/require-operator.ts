import { IConstruct } from 'constructs';
import { PlatformError } from '../errors';
import { DERIVE_PHASES, DerivePhase } from '../platform/derive';
import { Platform } from '../platform/platform';
import type { OperatorRequirement } from './operator-requirement';

const OPERATORS = Symbol('operators');

/** The operators required so far, by name, with the construct that first required each. */
type Required = Map<string, { operator: OperatorRequirement; by: string }>;

const requiredIn = (platform: Platform): Required => platform.declarations.extension(OPERATORS, (): Required => new Map());

/**
 * Records that `by` needs `operator` (and what it requires) installed, as an app of the system
 * layer (OperatorInstalls). Requiring one operator many times is fine; two different definitions
 * under one name are refused.
 */
export function requireOperator(by: IConstruct, operator: OperatorRequirement): void {
  const platform = Platform.of(by);
  const phase = platform.derivePhase;
  if (phase && phase !== 'done' && DERIVE_PHASES.indexOf(phase as DerivePhase) > DERIVE_PHASES.indexOf('operators')) {
    throw new PlatformError(`${by.node.path}: requires operator "${operator.name}" after the operators are installed (derive phase ${phase}); require it in a constructor or in the entry-points or monitoring phase`);
  }
  platform.declarations._checkOpen(by, `operator "${operator.name}"`);
  for (const dependency of operator.requires ?? []) requireOperator(by, dependency);
  const required = requiredIn(platform);
  const seen = required.get(operator.name);
  if (seen && JSON.stringify(seen.operator) !== JSON.stringify(operator)) {
    throw new PlatformError(`${by.node.path}: operator "${operator.name}" is already required by ${seen.by} with another definition (chart ${seen.operator.chart} ${seen.operator.version})`);
  }
  if (!seen) required.set(operator.name, { operator, by: by.node.path });
}

/** Every operator some construct of `platform` requires, by name. */
export function operatorsOf(platform: Platform): OperatorRequirement[] {
  return [...requiredIn(platform).values()].map(r => r.operator).sort((a, b) => a.name.localeCompare(b.name));
}
