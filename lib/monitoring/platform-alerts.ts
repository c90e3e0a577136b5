import { promDuration, RuleGroup } from './alerts';
import { RULES_CONFIG, RulesConfig } from './rules-config';

/** HighCPUUsage of seed 002, per node, from node-exporter; node-exporter declares it. */
export function nodeAlerts(config: RulesConfig = RULES_CONFIG): RuleGroup {
  const c = config.node;
  const w = promDuration(config.http.rateWindow);
  return {
    name: 'nodes',
    rules: [{
      alert: 'HighCPUUsage',
      expr: `1 - avg by (node) (rate(node_cpu_seconds_total{mode="idle"}[${w}])) > ${c.cpuRatio}`,
      for: c.cpuFor,
      severity: 'warning',
      summary: 'Node {{ $labels.node }} is {{ $value | humanizePercentage }} busy.',
      description: `The CPUs of node {{ $labels.node }} have been more than ${Math.round(c.cpuRatio * 100)} % busy for ${promDuration(c.cpuFor)}; pods are being throttled.`,
    }],
  };
}

/** The blackbox rule of seed 004: a public URL down for more than 2 minutes. The blackbox exporter declares it. */
export function probeAlerts(config: RulesConfig = RULES_CONFIG): RuleGroup {
  const c = config.probes;
  return {
    name: 'public-endpoints',
    rules: [{
      alert: 'PublicEndpointDown',
      expr: `probe_success{job="${c.job}"} == 0`,
      for: c.downFor,
      severity: 'critical',
      summary: '{{ $labels.instance }} is down.',
      description: `The blackbox exporter has failed to fetch {{ $labels.instance }} for ${promDuration(c.downFor)}: visitors see an error.`,
    }],
  };
}
