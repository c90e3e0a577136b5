import { Duration } from 'cdk8s';
import { stringify } from 'yaml';
import { PlatformError } from '../errors';

/**
 * Alert severities of the monitoring-mixins guide: critical pages someone now, warning needs a
 * look within working hours, info is context for other alerts.
 * @see https://monitoring.mixins.dev/
 */
export type Severity = 'critical' | 'warning' | 'info';

/** One Prometheus alerting rule, written once in TypeScript. */
export interface AlertRule {
  /** CamelCase name, e.g. `ServiceDown`. */
  readonly alert: string;
  /** PromQL; the alert fires for every series it returns. */
  readonly expr: string;
  /** How long `expr` must hold before the alert fires. @default - fires on the first evaluation */
  readonly for?: Duration;
  readonly severity: Severity;
  /** One line, may use `{{ $labels.x }}` and `{{ $value }}`. */
  readonly summary: string;
  /** What it means and what to check first. */
  readonly description: string;
  /** Extra labels, e.g. the selector labels of the thing being watched. */
  readonly labels?: Record<string, string>;
  /**
   * The less severe variant of this alert (e.g. HighErrorRate for HighErrorRateCritical):
   * Alertmanager holds it back while this one fires for the same namespace and service.
   * @default - none
   */
  readonly supersedes?: string;
}

/** A named group of rules: one file `<name>.rules.yml` that Prometheus loads. */
export interface RuleGroup {
  /** DNS-label-like, e.g. `bun-blog-blog-http`; also the file name. */
  readonly name: string;
  readonly rules: AlertRule[];
}

/** Where the runbooks live: every alert links to the section named after it in this file. */
export const RUNBOOK_FILE = 'docs/runbooks/monitoring.md';

/** A Duration as Prometheus writes it: `90s`, `5m`, `2h`. */
export function promDuration(d: Duration): string {
  const s = d.toSeconds();
  if (!Number.isInteger(s) || s <= 0) throw new PlatformError(`${s}s is not a positive whole number of seconds`);
  if (s % 86400 === 0) return `${s / 86400}d`;
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

/** A PromQL label selector from labels, in key order: `{namespace="a",service="b"}`. */
export function selector(labels: Record<string, string>, extra: string[] = []): string {
  const parts = Object.keys(labels).sort().map(k => `${k}="${labels[k].replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  return `{${[...parts, ...extra].join(',')}}`;
}

/** The runbook URL of an alert: `<repo web URL>/blob/<revision>/docs/runbooks/monitoring.md#<alert lowercased>`. */
export function runbookUrl(repoURL: string, revision: string, alert: string): string {
  return `${repoURL.replace(/\.git$/, '')}/blob/${revision}/${RUNBOOK_FILE}#${alert.toLowerCase()}`;
}

const ALERT_NAME = /^[A-Z][A-Za-z0-9]+$/;
const GROUP_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** Checks a group on its own: names, severities, annotations. Throws naming the group and rule. */
export function checkRuleGroup(group: RuleGroup): RuleGroup {
  if (!GROUP_NAME.test(group.name)) throw new PlatformError(`rule group "${group.name}": name must be lowercase letters, digits and dashes`);
  if (group.rules.length === 0) throw new PlatformError(`rule group ${group.name}: has no rules`);
  for (const rule of group.rules) {
    const at = `rule group ${group.name}: alert ${rule.alert}`;
    if (!ALERT_NAME.test(rule.alert)) throw new PlatformError(`${at}: name must be CamelCase`);
    if (!rule.summary.trim() || !rule.description.trim()) throw new PlatformError(`${at}: needs a summary and a description`);
    if (!rule.expr.trim()) throw new PlatformError(`${at}: needs an expression`);
  }
  return group;
}

/** The rule file Prometheus loads for one group. */
export function renderRuleFile(group: RuleGroup, repoURL: string, revision: string): string {
  return stringify({
    groups: [{
      name: group.name,
      rules: group.rules.map(r => ({
        alert: r.alert,
        expr: r.expr,
        ...(r.for ? { for: promDuration(r.for) } : {}),
        labels: { severity: r.severity, ...r.labels },
        annotations: {
          summary: r.summary,
          description: r.description,
          runbook_url: runbookUrl(repoURL, revision, r.alert),
        },
      })),
    }],
  }, { lineWidth: 0 });
}
