import { Construct } from 'constructs';
import { OperatorRequirement } from './operator-requirement';
import { Platform } from '../platform/platform';
import { OperatorChart } from './operator-chart';
import { operatorsOf } from './require-operator';

/**
 * Installs every operator the apps require, each as an app of the system layer, in the derive
 * phase `operators`: after the entry points and monitoring (which may require cert-manager), before
 * the namespaces' policies and quotas and argocd/, which then treat them as apps.
 */
export class OperatorInstalls extends Construct {
  constructor(platform: Platform, id = 'operators') {
    super(platform, id);
    platform.onDerive(this, 'operators', () => {
      const charts = new Map<string, OperatorChart>();
      const install = (requirement: OperatorRequirement): OperatorChart => {
        const existing = charts.get(requirement.name);
        if (existing) return existing;
        const after = (requirement.requires ?? []).map(install);
        // One app per namespace: an operator that must run beside another joins its app.
        const host = [...charts.values()].find(c => c.namespace === requirement.namespace);
        if (host) host.addOperator(requirement, after);
        const chart = host ?? new OperatorChart(platform, requirement, after);
        charts.set(requirement.name, chart);
        return chart;
      };
      for (const requirement of operatorsOf(platform)) install(requirement);
    });
  }
}
