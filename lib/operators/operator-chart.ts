import { fail } from '../errors';
import { HelmChart } from '../upstream/helm-chart';
import { RenderedWorkload } from '../upstream/chart-workload';
import { isWorkloadKind } from '../model/pods';
import type { ChartWorkloadOptions } from '../upstream/chart-workload';
import { InstalledOperator, OperatorRequirement } from './operator-requirement';
import { Platform } from '../platform/platform';
import { PodSecurity } from '../platform/pod-security';
import { SystemChart } from '../platform/system-chart';
import { RuleId } from '../rules/rules';
import { exempt } from '../rules/exemption';

/**
 * One operator of the system layer: its vendored upstream chart rendered at synth time into
 * `dist/system/<name>`, CRDs, cluster RBAC and webhooks included, so that every object is reviewed
 * in the diff, validated, counted in its namespace's quota and closed by NetworkPolicies but for
 * what `requirement.wire` declares. An operator that must run in another's namespace (the Barman
 * Cloud plugin beside CloudNativePG) is rendered into that one's app: one namespace, one quota, one
 * Application. Created by `OperatorInstalls` for every operator required.
 */
export class OperatorChart extends SystemChart implements InstalledOperator {
  public readonly requirement: OperatorRequirement;
  /** The operators rendered here: this one's, then those that share its namespace. */
  public readonly requirements: OperatorRequirement[] = [];
  public readonly chart: HelmChart;
  private readonly charts: HelmChart[] = [];

  constructor(platform: Platform, requirement: OperatorRequirement, after: SystemChart[] = []) {
    super(platform, requirement.name, {
      namespace: requirement.namespace,
      podSecurity: requirement.privilegedBecause ? PodSecurity.privileged(requirement.privilegedBecause) : PodSecurity.RESTRICTED,
      after,
    });
    this.requirement = requirement;
    this.chart = this.render(requirement, 'chart');
  }

  /** Renders an operator that must run in this one's namespace into this app, synced after what it needs. */
  public addOperator(requirement: OperatorRequirement, after: SystemChart[]): void {
    if (requirement.namespace !== this.namespace) fail(this, requirement.name, `runs in namespace ${requirement.namespace}, not ${this.namespace}`);
    if (requirement.privilegedBecause && this.podSecurity === PodSecurity.RESTRICTED) {
      fail(this, requirement.name, `needs Pod Security "privileged" in namespace ${this.namespace}, which ${this.appName} keeps "restricted"`);
    }
    this.waitsFor.push(...after.filter(a => a !== this && !this.waitsFor.includes(a)));
    this.render(requirement, requirement.name);
  }

  private render(requirement: OperatorRequirement, id: string): HelmChart {
    const chart = new HelmChart(this, id, {
      repository: requirement.repoURL,
      chart: requirement.chart,
      version: requirement.version,
      values: requirement.values ?? {},
      releaseName: requirement.name,
      patches: requirement.patches,
    });
    this.charts.push(chart);
    this.requirements.push(requirement);
    requirement.wire?.(this);
    return chart;
  }

  public get description(): string {
    return `operator ${this.appName} (${this.requirements.map(r => r.description).join(', ')})`;
  }

  public exempt(kind: string, name: string, rules: RuleId[], reason: string): void {
    const objects = this.charts.flatMap(c => c.objects);
    const object = objects.find(o => o.kind === kind && o.name === name);
    if (!object) fail(this, `exempt("${kind}", "${name}")`, `the charts render no ${kind} ${name} (they render: ${objects.map(o => `${o.kind} ${o.name}`).join(', ')})`);
    for (const rule of rules) exempt(object, rule, reason);
  }

  public workload(name: string, options?: ChartWorkloadOptions): RenderedWorkload {
    const chart = this.charts.find(c => c.objects.some(o => o.name === name && isWorkloadKind(o.kind))) ?? this.charts[this.charts.length - 1];
    return chart.workload(name, options);
  }
}
