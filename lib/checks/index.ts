import type { Platform } from '../platform/platform';
import type { RenderedModel } from '../model/rendered';
import { RuleFinding, platformFinding } from '../validate/finding';
import { RuleId } from '../rules/rules';
import { gpuShortfalls } from './gpus';
import { missingSources } from './secret-sources';
import { undeclaredConnections } from './service-references';
import { unusedData } from './unused-data';

/** Each check across the platform, under the rule it reports (lib/rules/rules.ts). */
const CHECKS: [RuleId, (platform: Platform, model: RenderedModel) => string[]][] = [
  ['connection-declared', undeclaredConnections],
  ['config-source', missingSources],
  ['gpu-capacity', gpuShortfalls],
  ['unused-data', unusedData],
];

/**
 * Checks across the whole platform that what the rendered pods will do is what the charts declare:
 * every Service they name is reachable, every Secret and ConfigMap they read has a source, every
 * GPU they ask for exists and has its device plugin, and every database or cache has a client.
 * Errors fail synthesis; warnings are printed with its summary.
 */
export function checkPlatform(platform: Platform, model: RenderedModel): RuleFinding[] {
  return CHECKS.flatMap(([rule, check]) => check(platform, model).map(message => platformFinding(rule, message)));
}
