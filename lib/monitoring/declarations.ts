import { IConstruct } from 'constructs';
import { PlatformError } from '../errors';
import { Platform } from '../platform/platform';
import { checkRuleGroup, RuleGroup } from './alerts';
import type { GrafanaDashboard } from './dashboards';
import { RULES_CONFIG, RulesConfig } from './rules-config';

/*
 * Any construct in the tree says what to monitor about the thing it runs: its alert rules, its
 * dashboard, its public URLs. They go to the platform's declaration registry; the monitoring chart
 * collects them in the derive phase, after every app chart exists, and renders rules and
 * dashboards from its one RulesConfig, so an override of a threshold there reaches every rule that
 * reads it.
 */

/** Rules, or the rules as a function of the platform's RulesConfig. */
export type RuleGroupSource = RuleGroup | ((config: RulesConfig) => RuleGroup);
/** A dashboard, or the dashboard as a function of the platform's RulesConfig. */
export type DashboardSource = GrafanaDashboard | ((config: RulesConfig) => GrafanaDashboard);

/** One declaration and the construct that made it, which errors name. */
type Declared<T> = { readonly by: IConstruct; readonly source: T };

interface MonitoringRegistry {
  readonly alerts: Declared<RuleGroupSource>[];
  readonly dashboards: Declared<DashboardSource>[];
  readonly probes: Declared<string[]>[];
}

const MONITORING = Symbol('platform.monitoring');

function registryOf(scope: IConstruct, what: string): MonitoringRegistry {
  const declarations = Platform.of(scope).declarations;
  declarations._checkOpen(scope, what);
  return declarations.extension(MONITORING, (): MonitoringRegistry => ({ alerts: [], dashboards: [], probes: [] }));
}

const resolve = <T extends object>(source: T | ((config: RulesConfig) => T), config: RulesConfig): T =>
  typeof source === 'function' ? source(config) : source;

/** What `make` returns; a mistake it finds (a bad rule, a duration Prometheus cannot write) names the construct that declared it. */
function declaredBy<T>(scope: IConstruct, make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof PlatformError && error.message.startsWith(`${scope.node.path}: `)) throw error;
    throw new PlatformError(`${scope.node.path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Declares the alert rules of the thing `scope` runs; the monitoring chart loads them. Checked now, with the default config. */
export function declareAlerts(scope: IConstruct, group: RuleGroupSource): void {
  declaredBy(scope, () => checkRuleGroup(resolve(group, RULES_CONFIG)));
  registryOf(scope, 'alert rules').alerts.push({ by: scope, source: group });
}

/** Declares a Grafana dashboard (the JSON model) for the thing `scope` runs. */
export function declareDashboard(scope: IConstruct, dashboard: DashboardSource): void {
  registryOf(scope, 'a dashboard').dashboards.push({ by: scope, source: dashboard });
}

/** Declares public URLs of the thing `scope` runs; the blackbox exporter probes each one. */
export function declareProbes(scope: IConstruct, urls: string[]): void {
  registryOf(scope, 'probes').probes.push({ by: scope, source: urls });
}

/** Everything the constructs under `root` declared, in a stable order. */
export interface MonitoringDeclarations {
  readonly ruleGroups: RuleGroup[];
  readonly dashboards: GrafanaDashboard[];
  /** Unique, sorted. */
  readonly probeUrls: string[];
}

/**
 * Every declaration of the platform `scope` belongs to, rendered with `config`; refuses two groups
 * or dashboards under one name, naming the construct that declared the second.
 */
export function collectDeclarations(scope: IConstruct, config: RulesConfig = RULES_CONFIG): MonitoringDeclarations {
  const declared = Platform.of(scope).declarations.extension(MONITORING, (): MonitoringRegistry => ({ alerts: [], dashboards: [], probes: [] }));
  const ruleGroups = new Map<string, RuleGroup>();
  const dashboards = new Map<string, GrafanaDashboard>();
  for (const { by, source } of declared.alerts) {
    const group = declaredBy(by, () => checkRuleGroup(resolve(source, config)));
    if (ruleGroups.has(group.name)) throw new PlatformError(`${by.node.path}: rule group ${group.name} is declared twice`);
    ruleGroups.set(group.name, group);
  }
  for (const { by, source } of declared.dashboards) {
    const d = declaredBy(by, () => resolve(source, config));
    if (!/^[a-z0-9-]{1,40}$/.test(d.uid)) throw new PlatformError(`${by.node.path}: dashboard uid "${d.uid}" must be 1-40 lowercase letters, digits and dashes`);
    if (dashboards.has(d.uid)) throw new PlatformError(`${by.node.path}: dashboard uid ${d.uid} is declared twice`);
    dashboards.set(d.uid, d);
  }
  const probes = new Set(declared.probes.flatMap(p => p.source));
  const byKey = <T>(m: Map<string, T>) => [...m.keys()].sort().map(k => m.get(k)!);
  return { ruleGroups: byKey(ruleGroups), dashboards: byKey(dashboards), probeUrls: [...probes].sort() };
}
