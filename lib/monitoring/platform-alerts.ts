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

/** MonitoringTargetDown for the pods of one namespace of the monitoring stack; each stack chart declares it. */
export function stackTargetAlerts(namespace: string, config: RulesConfig = RULES_CONFIG): RuleGroup {
  const c = config.stack;
  return {
    name: `${namespace}-targets`,
    rules: [{
      alert: 'MonitoringTargetDown',
      expr: `up{namespace="${namespace}"} == 0`,
      for: c.targetDownFor,
      severity: 'warning',
      summary: `{{ $labels.service }} ({{ $labels.pod }}) in ${namespace} does not answer scrapes.`,
      description: `A pod of the monitoring stack has been down for ${promDuration(c.targetDownFor)}: metrics, logs or alerts it carries are missing.`,
    }],
  };
}

/** Prometheus and Alertmanager watching themselves: rules that cannot evaluate, notifications that do not leave. */
export function alertingPipelineAlerts(namespace: string, config: RulesConfig = RULES_CONFIG): RuleGroup {
  const c = config.stack;
  const w = promDuration(config.http.rateWindow);
  return {
    name: `${namespace}-alerting`,
    rules: [
      {
        alert: 'PrometheusRuleFailures',
        expr: `sum by (namespace, pod, rule_group) (increase(prometheus_rule_evaluation_failures_total{namespace="${namespace}"}[${w}])) > 0`,
        for: c.ruleFailuresFor,
        severity: 'warning',
        summary: 'Rules of group {{ $labels.rule_group }} fail to evaluate.',
        description: `Prometheus has failed to evaluate rules of {{ $labels.rule_group }} for ${promDuration(c.ruleFailuresFor)}; the alerts in it cannot fire.`,
      },
      {
        alert: 'AlertmanagerNotificationsFailing',
        expr: `sum by (namespace, pod, integration) (rate(alertmanager_notifications_failed_total{namespace="${namespace}"}[${w}])) > 0`,
        for: c.notificationsFailingFor,
        severity: 'warning',
        summary: 'Alertmanager fails to send {{ $labels.integration }} notifications.',
        description: `Notifications through {{ $labels.integration }} have been failing for ${promDuration(c.notificationsFailingFor)}: check the webhook URL in the Secret and the Alertmanager logs.`,
      },
    ],
  };
}
