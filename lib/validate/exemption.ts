import { ApiObject } from 'cdk8s';

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
export function exempt(object: ApiObject, rule: string, reason: string): void {
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(rule) || rule.length > 55) {
    throw new Error(`${object.node.path}: exempt: "${rule}" is not a rule id`);
  }
  if (!reason.trim()) throw new Error(`${object.node.path}: exempt: rule ${rule} needs a reason`);
  object.metadata.addAnnotation(`${EXEMPTION_PREFIX}${rule}`, reason.trim());
}

/** The exemptions an object carries, by rule id. */
export function exemptionsOf(annotations: Record<string, string> | undefined): Map<string, string> {
  return new Map(Object.entries(annotations ?? {})
    .filter(([key]) => key.startsWith(EXEMPTION_PREFIX))
    .map(([key, reason]) => [key.slice(EXEMPTION_PREFIX.length), reason]));
}
