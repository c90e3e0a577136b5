/**
 * The one registry of rules (lib/rules/rules.ts): every rule documented with its fix and an
 * example in docs/rules.md, exemptions only for rules that exist, and every mistake in a construct
 * a PlatformError (exit 2, construct path, no stack trace) rather than a crash.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { k8s } from 'cdk8s-plus-30';
import { describe, expect, it } from 'vitest';
import { rulesReference } from '../lib/docs/rules-reference';
import { PlatformError } from '../lib/errors';
import { collectDeclarations, declareDashboard } from '../lib/monitoring/declarations';
import { AppChart } from '../lib/platform/app-chart';
import { PodSecurity } from '../lib/platform/pod-security';
import { exempt } from '../lib/rules/exemption';
import { RULES, RuleId } from '../lib/rules/rules';
import { REPO_ROOT, emptyPlatform, testChart } from './support/platform';

/** The error `f` throws; fails the test when it throws nothing. */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('the rule registry', () => {
  it('is what docs/rules.md lists: run `npm run docs:rules` after changing a rule', () => {
    expect(fs.readFileSync(path.join(REPO_ROOT, 'docs/rules.md'), 'utf8')).toBe(rulesReference());
  });

  it('gives every rule a one-line summary, a fix and an example', () => {
    for (const [id, rule] of Object.entries(RULES)) {
      expect(id, id).toMatch(/^[a-z0-9]+([.-][a-z0-9]+)*$/);
      expect(rule.summary.trim(), id).not.toBe('');
      expect(rule.summary, id).not.toContain('\n');
      expect(rule.remediation.trim(), id).not.toBe('');
      expect(rule.example.trim(), id).not.toBe('');
    }
  });
});

describe('exempt()', () => {
  const configMap = () => {
    const chart = testChart(emptyPlatform());
    return new k8s.KubeConfigMap(chart, 'settings', { metadata: { name: 'settings' } });
  };

  it('writes the reason under the rule it names', () => {
    const object = configMap();
    exempt(object, 'readiness-probe', 'serves no endpoint');
    expect(object.toJson().metadata.annotations).toEqual({ 'platform.homelab/exempt.readiness-probe': 'serves no endpoint' });
  });

  it('refuses a rule id the registry does not have, naming the construct path', () => {
    const error = thrown(() => exempt(configMap(), 'readyness-probe' as RuleId, 'typo'));
    expect(error).toBeInstanceOf(PlatformError);
    expect(error.message).toBe('demo/settings: exempt: "readyness-probe" is not a rule id; the ids are listed in docs/rules.md');
  });

  it('refuses an empty reason, naming the construct path', () => {
    const error = thrown(() => exempt(configMap(), 'readiness-probe', ' '));
    expect(error).toBeInstanceOf(PlatformError);
    expect(error.message).toBe('demo/settings: exempt: rule readiness-probe needs a reason');
  });
});

describe('a mistake in a chart is a PlatformError with its construct path', () => {
  it('a Pod Security level below restricted without a reason', () => {
    const error = thrown(() => new AppChart(emptyPlatform(), 'host', { category: 'apps', podSecurity: PodSecurity.baseline('') }));
    expect(error).toBeInstanceOf(PlatformError);
    expect(error.message).toBe('host: podSecurity: a Pod Security level below "restricted" needs a reason: PodSecurity.baseline(\'<why>\')');
  });

  it('a dashboard uid Grafana would refuse', () => {
    const chart = testChart(emptyPlatform());
    declareDashboard(chart, { uid: 'Not A Uid', title: 'x', tags: [], schemaVersion: 39, editable: false, refresh: '30s', time: { from: 'now-6h', to: 'now' }, timezone: 'browser', panels: [] });
    const error = thrown(() => collectDeclarations(chart));
    expect(error).toBeInstanceOf(PlatformError);
    expect(error.message).toBe('demo: dashboard uid "Not A Uid" must be 1-40 lowercase letters, digits and dashes');
  });

  it('throws nothing else: the constructs of lib/ and charts/ raise PlatformError (or fail()) only', () => {
    // The folders of tools (cluster harness, release, scaffold, schemas) may crash on a broken machine.
    const CONSTRUCTS = ['charts', ...['ai', 'data', 'gitops', 'k8s', 'monitoring', 'networking', 'operators', 'platform', 'secrets', 'storage', 'upstream', 'web', 'workloads'].map(d => `lib/${d}`)];
    const sources = ['lib', ...CONSTRUCTS].flatMap(dir => (fs.readdirSync(path.join(REPO_ROOT, dir), { recursive: true }) as string[])
      .filter(file => file.endsWith('.ts'))
      .map(file => ({ file: `${dir}/${file}`, text: fs.readFileSync(path.join(REPO_ROOT, dir, file), 'utf8') })));
    const platformErrors = new Set(['PlatformError', ...sources.flatMap(s => [...s.text.matchAll(/class (\w+) extends PlatformError\b/g)].map(m => m[1]))]);
    const offenders: string[] = [];
    for (const { file, text } of sources.filter(s => CONSTRUCTS.some(dir => s.file.startsWith(`${dir}/`)))) {
      text.split('\n').forEach((line, i) => {
        const thrown = /throw new (\w+)\(/.exec(line)?.[1];
        if (thrown && !platformErrors.has(thrown)) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});

