import { IConstruct } from 'constructs';
import { PlatformError } from '../errors';
import { checkRuleGroup, RuleGroup } from './alerts';
import type { GrafanaDashboard } from './dashboards';
import { RULES_CONFIG, RulesConfig } from './rules-config';

/*
 * Any construct in the tree says what to monitor about the thing it runs: its alert rules, its
 * dashboard, its public URLs. The monitoring chart collects every declaration when it is built,
 * and renders rules and dashboards from its one RulesConfig, so an override of a threshold there
 * reaches every rule that reads it.
 */

/** Rules, or the rules as a function of the platform's RulesConfig. */
export type RuleGroupSource = RuleGroup | ((config: RulesConfig) => RuleGroup);
/** A dashboard, or the dashboard as a function of the platform's RulesConfig. */
export type DashboardSource = GrafanaDashboard | ((config: RulesConfig) => GrafanaDashboard);

const ALERTS = 'platform.monitoring/alerts';
const DASHBOARD = 'platform.monitoring/dashboard';
const PROBES = 'platform.monitoring/probes';

const resolve = <T extends object>(source: T | ((config: RulesConfig) => T), config: RulesConfig): T =>
  typeof source === 'function' ? source(config) : source;

/** Declares the alert rules of the thing `scope` runs; the monitoring chart loads them. Checked now, with the default config. */
export function declareAlerts(scope: IConstruct, group: RuleGroupSource): void {
  try {
    checkRuleGroup(resolve(group, RULES_CONFIG));
  } catch (error) {
    throw new PlatformError(`${scope.node.path}: ${(error as Error).message}`);
  }
  scope.node.addMetadata(ALERTS, group, { stackTrace: false });
}

/** Declares a Grafana dashboard (the JSON model) for the thing `scope` runs. */
export function declareDashboard(scope: IConstruct, dashboard: DashboardSource): void {
  scope.node.addMetadata(DASHBOARD, dashboard, { stackTrace: false });
}

/** Declares public URLs of the thing `scope` runs; the blackbox exporter probes each one. */
export function declareProbes(scope: IConstruct, urls: string[]): void {
  scope.node.addMetadata(PROBES, urls, { stackTrace: false });
}

/** Everything the constructs under `root` declared, in a stable order. */
export interface MonitoringDeclarations {
  readonly ruleGroups: RuleGroup[];
  readonly dashboards: GrafanaDashboard[];
  /** Unique, sorted. */
  readonly probeUrls: string[];
}

/**
 * Walks the construct tree and gathers every declaration, rendered with `config`; refuses two
 * groups or dashboards under one name.
 */
export function collectDeclarations(root: IConstruct, config: RulesConfig = RULES_CONFIG): MonitoringDeclarations {
  const ruleGroups = new Map<string, RuleGroup>();
  const dashboards = new Map<string, GrafanaDashboard>();
  const probes = new Set<string>();
  for (const c of root.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type === ALERTS) {
        const group = checkRuleGroup(resolve(entry.data as RuleGroupSource, config));
        if (ruleGroups.has(group.name)) throw new PlatformError(`${c.node.path}: rule group ${group.name} is declared twice`);
        ruleGroups.set(group.name, group);
      } else if (entry.type === DASHBOARD) {
        const d = resolve(entry.data as DashboardSource, config);
        if (dashboards.has(d.uid)) throw new PlatformError(`${c.node.path}: dashboard uid ${d.uid} is declared twice`);
        dashboards.set(d.uid, d);
      } else if (entry.type === PROBES) {
        (entry.data as string[]).forEach(u => probes.add(u));
      }
    }
  }
  const byKey = <T>(m: Map<string, T>) => [...m.keys()].sort().map(k => m.get(k)!);
  return { ruleGroups: byKey(ruleGroups), dashboards: byKey(dashboards), probeUrls: [...probes].sort() };
}
