import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildPlatform } from '../charts/platform';
import { PodSecurity } from '../lib/platform/pod-security';
import { render } from '../lib/synth/render';
import { EXEMPTION_PREFIX } from '../lib/rules/exemption';
import { formatMarkdown } from '../lib/validate/format';
import { loadManifests } from '../lib/validate/load';
import { RULES } from '../lib/rules/rules';
import { ModelsSchemaProvider } from '../lib/validate/schema/models-fallback';
import { validateIndex, validateSubjects } from '../lib/validate/validate';
import { PlatformModel } from '../lib/model';
import { extra, goodApp, labels, meta, pod, validateIn, web } from './support/good-app';
import { REPO_ROOT, tempDir } from './support/platform';


/** One bad case per rule: a change to the good app that breaks exactly that rule. */
const CORPUS: Record<string, (o: any[]) => void | string> = {
  'yaml-syntax': () => 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n',
  'schema': o => { o[0].spec.replicaz = 2; },
  'unknown-kind': o => extra(o, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: meta('widget') }),
  'dns-name': o => { o[3].metadata.name = 'Web_Config'; pod(o).volumes[0].configMap.name = 'Web_Config'; },
  'label-syntax': o => { o[3].metadata.labels['app.kubernetes.io/part-of'] = 'x'.repeat(64); },
  'port-name': o => { web(o).ports[0].name = 'much-too-long-name'; web(o).readinessProbe.httpGet.port = 'much-too-long-name'; web(o).livenessProbe.httpGet.port = 'much-too-long-name'; o[1].spec.ports[0].targetPort = 'much-too-long-name'; },
  'container-image': o => { delete web(o).image; },
  'duplicate-object': o => extra(o, { ...o[3] }),
  'selector-match': o => { o[0].spec.selector.matchLabels['app.kubernetes.io/name'] = 'other'; },
  'service-selects': o => { o[1].spec.ports[0].targetPort = 'grpc'; },
  'backend-exists': o => extra(o, { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('web'), spec: { rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'missing', port: { name: 'http' } } } }] } }] } }),
  'reference-exists': o => { pod(o).volumes[0].configMap.name = 'missing'; },
  'target-exists': o => extra(o, { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('web'), spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'missing' }, minReplicas: 2, maxReplicas: 4 } }),
  'probe-port': o => { web(o).livenessProbe.httpGet.port = 'metrics'; },
  'statefulset-service': o => extra(o, { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('db'), spec: { serviceName: 'web', replicas: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'db' } }, template: { metadata: { labels: { ...labels('db') } }, spec: { ...pod(o), volumes: [], containers: [{ ...web(o), name: 'db', volumeMounts: [] }] } } } }),
  'networkpolicy-selects': o => extra(o, { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('deny'), spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'nothing' } }, policyTypes: ['Ingress'] } }),
  'pod-security.privileged': o => { web(o).securityContext.privileged = true; },
  'pod-security.host-namespaces': o => { pod(o).hostPID = true; },
  'pod-security.host-ports': o => { web(o).ports[0].hostPort = 8080; },
  'pod-security.host-path': o => { pod(o).volumes.push({ name: 'logs', hostPath: { path: '/var/log' } }); },
  'pod-security.volume-types': o => { pod(o).volumes.push({ name: 'share', nfs: { server: 'nas.example.com', path: '/share' } }); },
  'pod-security.privilege-escalation': o => { web(o).securityContext.allowPrivilegeEscalation = true; },
  'pod-security.run-as-non-root': o => { web(o).securityContext.runAsUser = 0; },
  'pod-security.seccomp': o => { pod(o).securityContext.seccompProfile.type = 'Unconfined'; },
  'pod-security.capabilities': o => { web(o).securityContext.capabilities.add = ['SYS_ADMIN']; },
  'pod-security.proc-mount': o => { web(o).securityContext.procMount = 'Unmasked'; },
  'pod-security.selinux': o => { web(o).securityContext.seLinuxOptions = { type: 'spc_t' }; },
  'pod-security.apparmor': o => { web(o).securityContext.appArmorProfile = { type: 'Unconfined' }; },
  'pod-security.sysctls': o => { pod(o).securityContext.sysctls = [{ name: 'kernel.msgmax', value: '65536' }]; },
  'readiness-probe': o => { web(o).livenessProbe = web(o).readinessProbe; },
  'resources': o => { delete web(o).resources.limits.memory; },
  'disruption-budget': o => { o[2].spec.minAvailable = 2; },
  'spread': o => { delete pod(o).topologySpreadConstraints; },
  'autoscaler': o => extra(o, { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('web'), spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 2 } }),
  'image-tag': o => { web(o).image = 'registry.example.com/web:latest'; },
  'namespace': o => { o[3].metadata.namespace = 'default'; },
  'standard-labels': o => { delete o[3].metadata.labels['app.kubernetes.io/component']; },
  'server-fields': o => { o[3].metadata.resourceVersion = '42'; },
  'job-hygiene': o => extra(o, { apiVersion: 'batch/v1', kind: 'Job', metadata: meta('once'), spec: { template: { metadata: { labels: labels('once') }, spec: { ...pod(o), restartPolicy: 'Never', volumes: [], topologySpreadConstraints: undefined, containers: [{ ...web(o), readinessProbe: undefined, livenessProbe: undefined, volumeMounts: [] }] } } } }),
  'quota-rollout': o => extra(o, { apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta('demo'), spec: { hard: { 'requests.cpu': '200m' } } }),
  'host-port-rollout': o => { pod(o).hostNetwork = true; },
  'unknown-exemption': o => { o[3].metadata.annotations = { [`${EXEMPTION_PREFIX}readyness-probe`]: 'a typo' }; },
  'secret-data': o => extra(o, { apiVersion: 'v1', kind: 'Secret', metadata: meta('web'), stringData: { password: 'hunter2' } }),
};

const dir = tempDir('validator-corpus-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function validateCase(name: string, objects: any[], text?: string) {
  return validateIn(dir, name, objects, text);
}

describe('the validator', () => {
  it('passes the good app without findings', () => {
    const report = validateCase('good', goodApp());
    expect([...report.errors, ...report.warnings]).toEqual([]);
  });

  it('has a bad case for every rule', () => {
    // schema-unchecked needs a store without CRDs: tested below; the API server parity rules in parity.test.ts.
    // Platform rules read constructs, not objects: platform-checks.test.ts, synthesis.test.ts, report.test.ts.
    const elsewhere = (r: string) => r === 'schema-unchecked' || r.startsWith('api.') || r === 'crd-validation' || RULES[r as keyof typeof RULES].stage === 'platform';
    expect(Object.keys(CORPUS).sort()).toEqual(Object.keys(RULES).filter(r => !elsewhere(r)).sort());
  });

  for (const [rule, breakIt] of Object.entries(CORPUS)) {
    it(`catches ${rule}`, () => {
      const objects = goodApp();
      const text = breakIt(objects);
      const report = validateCase(rule, objects, typeof text === 'string' ? text : undefined);
      expect(report.errors.map(f => f.rule), JSON.stringify(report.errors, null, 1)).toContain(rule);
    });
  }

  it('names the file, line and message of a schema error', () => {
    const objects = goodApp();
    objects[0].spec.replicaz = 2;
    const finding = validateCase('schema-detail', objects).errors.find(f => f.rule === 'schema');
    expect(finding).toMatchObject({ object: 'Deployment demo/web', file: 'schema-detail.yaml', line: 1, message: 'spec: unknown field "replicaz"' });
  });

  it('reports a duplicate YAML key with its line', () => {
    const report = validateCase('dup', [], 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n');
    expect(report.errors).toEqual([expect.objectContaining({ rule: 'yaml-syntax', file: 'dup.yaml', line: 5, message: 'Map keys must be unique' })]);
  });

  it('turns a finding into an exemption when the object gives a reason for that rule', () => {
    const objects = goodApp();
    pod(objects).hostPID = true;
    objects[0].metadata.annotations = { [`${EXEMPTION_PREFIX}pod-security.host-namespaces`]: 'reads host process table' };
    const report = validateCase('exempt', objects);
    expect(report.errors).toEqual([]);
    expect(report.exempted).toEqual([expect.objectContaining({ rule: 'pod-security.host-namespaces', exemption: 'reads host process table' })]);
    expect(formatMarkdown(report)).toContain('| `pod-security.host-namespaces` | Deployment demo/web | reads host process table |');
  });

  it('finds nothing wrong with the whole platform; its exemptions are host access in namespaces that say why, and readiness of upstream controllers, each with a reason', () => {
    const platform = buildPlatform();
    const rendering = render(platform);
    const report = validateSubjects(rendering.objects);
    expect(report.errors).toEqual([]);
    const privileged = new Set(platform.apps.filter(a => a.podSecurity !== PodSecurity.RESTRICTED).map(a => a.namespace));
    const upstream = new Set(rendering.objects.filter(o => o.origin?.startsWith('chart ')).map(o => o.file));
    for (const f of report.exempted) {
      if (f.rule.startsWith('pod-security.')) expect(privileged.has(f.object.split(' ')[1].split('/')[0]), `${f.rule} ${f.object}`).toBe(true);
      else expect([f.rule, upstream.has(f.file)], f.object).toEqual(['readiness-probe', true]);
    }
    expect(report.exempted.map(f => f.object)).toEqual(expect.arrayContaining(['DaemonSet node-exporter/node-exporter', 'Deployment cloudflared/cloudflared', 'DaemonSet alloy/alloy']));
    expect(report.exempted.every(f => f.exemption && f.exemption.length > 20)).toBe(true);
    // Synthesis validates the platform model it builds once for its checks and report: the same findings.
    expect(validateIndex(new PlatformModel(rendering.objects, platform.capacity?.nodes ?? 1))).toEqual(report);
  });
});

describe('without schema folders', () => {
  const fallback = new ModelsSchemaProvider('/nowhere');

  it('falls back to the kubernetes-models schemas, still catching wrong types, and says it is not strict', () => {
    const objects = goodApp();
    objects[0].spec.replicas = 'two';
    objects[3].unknownField = true;
    const { subjects } = loadManifests([path.join(dir, 'good.yaml')], dir);
    fs.writeFileSync(path.join(dir, 'fallback.yaml'), objects.map(o => stringify(o)).join('---\n'));
    const report = validateSubjects(loadManifests([path.join(dir, 'fallback.yaml')], dir).subjects, fallback);
    expect(report.errors.filter(f => f.rule === 'schema').map(f => f.message)).toEqual(['spec.replicas: must be integer']);
    expect(report.strictSchemas).toBe(false);
    expect(report.schemas).toContain('NOT strict');
    expect(validateSubjects(subjects, fallback).errors).toEqual([]);
  });

  it('warns that custom resources went unchecked instead of skipping them silently', () => {
    const objects = goodApp();
    objects.push({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { ...objects[3].metadata, name: 'apps' }, spec: {} });
    fs.writeFileSync(path.join(dir, 'crd.yaml'), objects.map(o => stringify(o)).join('---\n'));
    const report = validateSubjects(loadManifests([path.join(dir, 'crd.yaml')], dir).subjects, fallback);
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([expect.objectContaining({ rule: 'schema-unchecked', object: 'AppProject demo/apps' })]);
  });
});

describe('npm run validate', () => {
  const run = (...args: string[]) => spawnSync('node', ['--import', 'tsx', 'scripts/validate.ts', ...args], { cwd: REPO_ROOT, encoding: 'utf8' });

  it('exits 0 on the committed output and prints the counts', () => {
    const result = run('dist', 'argocd');
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\d+ objects: 0 errors, 0 warnings, \d+ exempted/);
  });

  it('exits 2 with the rule, object, file and construct path of each error, in JSON too', () => {
    const objects = goodApp();
    delete web(objects).resources;
    validateCase('cli', objects);
    const text = run(path.join(dir, 'cli.yaml'));
    expect(text.status).toBe(2);
    expect(text.stdout).toContain('resources  Deployment demo/web');
    const json = JSON.parse(run(path.join(dir, 'cli.yaml'), '--format', 'json').stdout);
    expect(json.summary).toMatchObject({ objects: 4, errors: 1 });
    expect(json.errors[0]).toMatchObject({ rule: 'resources', object: 'Deployment demo/web', message: 'container web sets no requests.cpu, requests.memory, limits.memory' });
  });

  it('rejects an unknown format, naming the flag', () => {
    const result = run('--format', 'xml');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--format must be one of text, json, markdown (got xml)');
  });
});
