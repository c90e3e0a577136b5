import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { runProgram, ProgramResult } from './programs';

export interface InputSeries { series: string; values: string }
export interface AlertExpectation { evalTime: string; labels: Record<string, string>[] }

/**
 * Runs `promtool test rules` on one rule file (annotations left out: promtool would compare them,
 * and these tests are about when and with which labels an alert fires) with `series` sampled every
 * `interval`, expecting `alert` with exactly the labels given at each evaluation time.
 */
export function promtoolTestAlert(dir: string, ruleFile: string, alert: string, interval: string, series: InputSeries[], expectations: AlertExpectation[]): ProgramResult {
  const doc = parse(ruleFile);
  for (const group of doc.groups) for (const rule of group.rules) delete rule.annotations;
  fs.mkdirSync(dir, { recursive: true });
  const rules = path.join(dir, `rules-${alert}.yml`);
  fs.writeFileSync(rules, stringify(doc));
  const test = path.join(dir, `test-${alert}.yml`);
  fs.writeFileSync(test, stringify({
    rule_files: [rules],
    evaluation_interval: '1m',
    tests: [{
      interval,
      input_series: series,
      alert_rule_test: expectations.map(e => ({ eval_time: e.evalTime, alertname: alert, exp_alerts: e.labels.map(exp_labels => ({ exp_labels })) })),
    }],
  }));
  return runProgram('promtool', ['test', 'rules', test]);
}
