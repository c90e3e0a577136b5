import { ApiObject } from 'cdk8s';
import { PlatformError } from '../errors';
import { RuleId, isRuleId } from './rules';

/**
 * Annotation prefix of a validation exemption: `platform.homelab/exempt.<rule-id>: <reason>`.
 * It travels with the object, so a reviewer sees it in the YAML and `npm run validate` honours it
 * on any folder of manifests.
 */
export const EXEMPTION_PREFIX = 'platform.homelab/exempt.';

/**
 * Exempts one object from one validation rule, with the reason a reviewer needs. Use it for the
 * rare workload that must break a rule, e.g. node-exporter's host network.
 */
export function exempt(object: ApiObject, rule: RuleId, reason: string): void {
  // The type says so, but a chart in plain JavaScript or a cast can still pass any string.
  if (!isRuleId(rule)) throw new PlatformError(`${object.node.path}: exempt: "${rule}" is not a rule id; the ids are listed in docs/rules.md`);
  if (!reason.trim()) throw new PlatformError(`${object.node.path}: exempt: rule ${rule} needs a reason`);
  object.metadata.addAnnotation(`${EXEMPTION_PREFIX}${rule}`, reason.trim());
}

/** The exemptions an object carries, by rule id. */
export function exemptionsOf(annotations: Record<string, string> | undefined): Map<string, string> {
  return new Map(Object.entries(annotations ?? {})
    .filter(([key]) => key.startsWith(EXEMPTION_PREFIX))
    .map(([key, reason]) => [key.slice(EXEMPTION_PREFIX.length), reason]));
}
