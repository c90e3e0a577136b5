import { IConstruct } from 'constructs';
import { PlatformError } from '../errors';
import { checkRuleGroup, RuleGroup } from './alerts';
import type { GrafanaDashboard } from './dashboards';

/*
 * Any construct in the tree says what to monitor about the thing it runs: its alert rules, its
 * dashboard, its public URLs. The monitoring chart collects every declaration when it is built.
 */


const ALERTS = 'platform.monitoring/alerts';
const DASHBOARD = 'platform.monitoring/dashboard';
const PROBES = 'platform.monitoring/probes';

/** Declares the alert rules of the thing `scope` runs; the monitoring chart loads them. */
export function declareAlerts(scope: IConstruct, group: RuleGroup): void {
  scope.node.addMetadata(ALERTS, checkRuleGroup(group), { stackTrace: false });
}

/** Declares a Grafana dashboard (the JSON model) for the thing `scope` runs. */
export function declareDashboard(scope: IConstruct, dashboard: GrafanaDashboard): void {
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

/** Walks the construct tree and gathers every declaration; refuses two groups or dashboards under one name. */
export function collectDeclarations(root: IConstruct): MonitoringDeclarations {
  const ruleGroups = new Map<string, RuleGroup>();
  const dashboards = new Map<string, GrafanaDashboard>();
  const probes = new Set<string>();
  for (const c of root.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type === ALERTS) {
        const group = entry.data as RuleGroup;
        if (ruleGroups.has(group.name)) throw new PlatformError(`${c.node.path}: rule group ${group.name} is declared twice`);
        ruleGroups.set(group.name, group);
      } else if (entry.type === DASHBOARD) {
        const d = entry.data as GrafanaDashboard;
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
