import * as fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { RULES } from '../lib/rules/rules';
import { extra, goodApp, labels, meta, pod, selector, validateIn, web } from './support/good-app';
import { tempDir } from './support/platform';

const hpa = (spec: object) => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('web'), spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, ...spec } });
const job = (o: any[], spec: object) => ({
  apiVersion: 'batch/v1', kind: 'Job', metadata: meta('once'),
  spec: { ttlSecondsAfterFinished: 600, activeDeadlineSeconds: 600, ...spec, template: { metadata: { labels: labels('once') }, spec: { ...pod(o), restartPolicy: 'Never', volumes: [], topologySpreadConstraints: undefined, containers: [{ ...web(o), readinessProbe: undefined, livenessProbe: undefined, volumeMounts: [] }] } } },
});
const cronJob = (o: any[], spec: object) => ({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('nightly'), spec: { startingDeadlineSeconds: 300, jobTemplate: { spec: job(o, {}).spec }, ...spec } });
const ingress = (path: object) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('web'), spec: { rules: [{ host: 'web.example.com', http: { paths: [{ backend: { service: { name: 'web', port: { name: 'http' } } }, ...path }] } }] } });
const egressTo = (ipBlock: object) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('lan'), spec: { podSelector: { matchLabels: selector }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock }] }] } });
const policy = (ports: object[]) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('web'), spec: { podSelector: { matchLabels: selector }, policyTypes: ['Ingress'], ingress: [{ ports }] } });

/**
 * What a real API server refuses beyond the schema (the "deliberately broken corpus" of issue 11):
 * each case breaks the good app in one place and must be refused with exactly this finding.
 */
const CORPUS: Record<string, [string, (o: any[]) => void][]> = {
  'api.hpa-replicas': [
    ['spec.maxReplicas: 3 must be greater than or equal to spec.minReplicas (5)', o => extra(o, hpa({ minReplicas: 5, maxReplicas: 3 }))],
    ['spec.minReplicas: 0 must be at least 1', o => extra(o, hpa({ minReplicas: 0, maxReplicas: 3 }))],
  ],
  'api.rollout-strategy': [
    ['spec.strategy.rollingUpdate: may not be set when spec.strategy.type is Recreate', o => { o[0].spec.strategy = { type: 'Recreate', rollingUpdate: { maxSurge: 1 } }; }],
    ['spec.strategy.rollingUpdate: maxSurge and maxUnavailable are both 0, so the rollout could never replace a pod (the API server requires one of them above 0)', o => { o[0].spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } }; }],
    ['spec.strategy.rollingUpdate.maxUnavailable: 150% must not be greater than 100%', o => { o[0].spec.strategy = { rollingUpdate: { maxUnavailable: '150%' } }; }],
  ],
  'api.pdb-budget': [
    ['spec: minAvailable and maxUnavailable cannot be both set', o => { o[2].spec.maxUnavailable = 1; }],
  ],
  'api.service-ports': [
    ['spec.ports[1]: duplicate port 80/TCP (also spec.ports[0])', o => { o[1].spec.ports.push({ name: 'http-alt', port: 80, targetPort: 'http' }); }],
    ['spec.ports[1].name: duplicate port name "http" (also spec.ports[0])', o => { o[1].spec.ports.push({ name: 'http', port: 81, targetPort: 'http' }); }],
    ['spec.ports[1].name: required when the Service has more than one port', o => { o[1].spec.ports.push({ port: 81, targetPort: 'http' }); }],
    ['spec.ports[0].port: 70000 must be between 1 and 65535', o => { o[1].spec.ports[0].port = 70000; }],
    ['spec.ports[0].targetPort: 0 must be between 1 and 65535', o => { o[1].spec.ports[0].targetPort = 0; }],
    ['spec.ports[0].nodePort: 8080 is not in the node port range 30000-32767', o => { o[1].spec.type = 'NodePort'; o[1].spec.ports[0].nodePort = 8080; }],
  ],
  'api.container-names': [
    ['spec.template.spec.containers[1].name: "Sidecar" is not a DNS-1123 label (lowercase letters, digits and \'-\', at most 63)', o => { pod(o).containers.push({ ...web(o), name: 'Sidecar', ports: [] }); }],
    ['spec.template.spec.containers[1].name: duplicate container name "web" (also spec.template.spec.containers[0])', o => { pod(o).containers.push({ ...web(o), ports: [] }); }],
  ],
  'api.container-ports': [
    ['spec.template.spec.containers[1].ports[0].name: duplicate port name "http" in the pod (also spec.template.spec.containers[0].ports[0])', o => { pod(o).containers.push({ ...web(o), name: 'sidecar', ports: [{ name: 'http', containerPort: 9090 }] }); }],
  ],
  'api.env-names': [
    ['spec.template.spec.containers[0].env[0].valueFrom: may not be set when value is not empty (A)', o => { web(o).env = [{ name: 'A', value: '1', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]; }],
    ['spec.template.spec.containers[0].env[0].name: "A=B" is not a valid environment variable name (printable ASCII characters other than \'=\')', o => { web(o).env = [{ name: 'A=B', value: '1' }]; }],
  ],
  'api.volume-mounts': [
    ['spec.template.spec.containers[0].volumeMounts[1].name: volume "cache" is not a volume of the pod', o => { web(o).volumeMounts.push({ name: 'cache', mountPath: '/cache' }); }],
    ['spec.template.spec.containers[0].volumeMounts[1].mountPath: "/etc/web" is mounted twice in container web', o => { pod(o).volumes.push({ name: 'tmp', emptyDir: {} }); web(o).volumeMounts.push({ name: 'tmp', mountPath: '/etc/web' }); }],
  ],
  'api.resource-limits': [
    ['spec.template.spec.containers[0].resources.requests.memory: 1Gi must be less than or equal to the memory limit (256Mi)', o => { web(o).resources.requests.memory = '1Gi'; }],
  ],
  'api.probes': [
    ['spec.template.spec.containers[0].livenessProbe.httpGet.port: 0 must be between 1 and 65535', o => { web(o).livenessProbe.httpGet.port = 0; }],
    ['spec.template.spec.containers[0].livenessProbe.successThreshold: 2 must be 1 for a livenessProbe', o => { web(o).livenessProbe.successThreshold = 2; }],
    ['spec.template.spec.containers[0].readinessProbe.periodSeconds: 0 must be at least 1', o => { web(o).readinessProbe.periodSeconds = 0; }],
    ['spec.template.spec.containers[0].readinessProbe: must specify exactly one handler (exec, httpGet, tcpSocket, grpc), found httpGet, tcpSocket', o => { web(o).readinessProbe.tcpSocket = { port: 'http' }; }],
  ],
  'api.cron-schedule': [
    ['spec.schedule: "0 3 * *" is not a valid cron schedule: expected 5 fields (minute hour day-of-month month day-of-week), found 4', o => extra(o, cronJob(o, { schedule: '0 3 * *' }))],
    ['spec.schedule: "0 25 * * *" is not a valid cron schedule: hour field: "25" is outside 0-23', o => extra(o, cronJob(o, { schedule: '0 25 * * *' }))],
    ['spec.schedule: "@fortnightly" is not a valid cron schedule: unknown descriptor "@fortnightly" (one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, or @every <duration>)', o => extra(o, cronJob(o, { schedule: '@fortnightly' }))],
    ['spec.schedule: "TZ=UTC 0 3 * * *" is not a valid cron schedule: may not set a time zone (TZ= or CRON_TZ=): use spec.timeZone', o => extra(o, cronJob(o, { schedule: 'TZ=UTC 0 3 * * *' }))],
    ['spec.timeZone: "Mars/Olympus" is not a time zone of the IANA database', o => extra(o, cronJob(o, { schedule: '0 3 * * *', timeZone: 'Mars/Olympus' }))],
  ],
  'api.job-counts': [
    ['spec.completions: -1 must be non-negative', o => extra(o, job(o, { completions: -1 }))],
    ['spec.parallelism: -2 must be non-negative', o => extra(o, job(o, { parallelism: -2 }))],
  ],
  'api.label-selector': [
    ['spec.selector: empty selector is invalid for a Deployment', o => { o[0].spec.selector = {}; }],
    ['spec.template.spec.topologySpreadConstraints[0].labelSelector.matchExpressions[0].values: must be non-empty when operator is In', o => { pod(o).topologySpreadConstraints[0].labelSelector = { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: [] }] }; }],
    ['spec.selector.matchExpressions[0].values[0]: "not a value" is not a valid label value', o => { o[2].spec.selector = { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['not a value'] }] }; }],
  ],
  'api.ingress-paths': [
    ['spec.rules[0].host: "10.0.0.1" must be a DNS subdomain, optionally with a leading "*." wildcard (no IP address, no port)', o => { const i = ingress({ path: '/', pathType: 'Prefix' }); i.spec.rules[0].host = '10.0.0.1'; extra(o, i); }],
    ['spec.rules[0].http.paths[0]: path "static" must be an absolute path for pathType Prefix', o => extra(o, ingress({ path: 'static', pathType: 'Prefix' }))],
    ['spec.rules[0].http.paths[0]: path "/static//media" must not contain "//"', o => extra(o, ingress({ path: '/static//media', pathType: 'Exact' }))],
  ],
  'api.hpa-metrics': [
    ['spec.metrics[0].resource.target.averageUtilization: 0 must be at least 1', o => extra(o, hpa({ minReplicas: 2, maxReplicas: 4, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 0 } } }] }))],
    ['spec.behavior.scaleDown.policies[0].periodSeconds: 3600 must be between 1 and 1800', o => extra(o, hpa({ minReplicas: 2, maxReplicas: 4, behavior: { scaleDown: { policies: [{ type: 'Pods', value: 1, periodSeconds: 3600 }] } } }))],
  ],
  'api.claims': [
    ['spec.resources.requests.storage: required', o => extra(o, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('data'), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: {} } } })],
    ['spec.accessModes: at least one access mode is required', o => extra(o, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('data'), spec: { resources: { requests: { storage: '1Gi' } } } })],
  ],
  'api.workload-counts': [
    ['spec.replicas: -1 must be non-negative', o => { o[0].spec.replicas = -1; }],
    ['spec.progressDeadlineSeconds: 30 must be greater than spec.minReadySeconds (60)', o => { o[0].spec.minReadySeconds = 60; o[0].spec.progressDeadlineSeconds = 30; }],
  ],
  'api.restart-policy': [
    ['spec.template.spec.restartPolicy: unset (Always) is not allowed for a Job; use OnFailure or Never', o => { const j = job(o, {}); delete (j.spec.template.spec as any).restartPolicy; extra(o, j); }],
    ['spec.template.spec.restartPolicy: "Never" is not allowed for a Deployment; use Always', o => { pod(o).restartPolicy = 'Never'; }],
  ],
  'api.quantity': [
    ['spec.template.spec.containers[0].resources.limits.memory: "256MB" is not a quantity (e.g. 500m, 128Mi, 1Gi)', o => { web(o).resources.limits.memory = '256MB'; }],
  ],
  'api.annotations': [
    ['metadata.annotations: key "example.com/Not Valid" is not a qualified name (at most 63 alphanumerics, \'-\', \'_\' or \'.\', alphanumeric at both ends)', o => { o[3].metadata.annotations = { 'example.com/Not Valid': 'x' }; }],
  ],
  'api.configmap': [
    ['data: key "web conf" must consist of alphanumerics, \'-\', \'_\' or \'.\' (at most 253)', o => { o[3].data = { 'web conf': 'x' }; }],
    ['data: 1048595 bytes in total, more than the 1048576 (1 MiB) a ConfigMap may hold', o => { o[3].data = { 'big.json': 'x'.repeat(1024 * 1024 + 2), 'web.conf': 'x' }; }],
  ],
  // The API server's own messages for these, read on the control plane: "must be a valid CIDR value, (e.g. 10.9.8.0/24 or
  // 2001:db8::/64)", "must not have bits set beyond the prefix length", "must be a strict subset of `cidr`".
  'api.cidr': [
    ['spec.egress[0].to[0].ipBlock.cidr: "10.0.0.0/33" must be a valid CIDR value (e.g. 10.9.8.0/24 or 2001:db8::/64)', o => extra(o, egressTo({ cidr: '10.0.0.0/33' }))],
    ['spec.egress[0].to[0].ipBlock.cidr: "192.168.1.0" must be a valid CIDR value (e.g. 10.9.8.0/24 or 2001:db8::/64)', o => extra(o, egressTo({ cidr: '192.168.1.0' }))],
    ['spec.egress[0].to[0].ipBlock.cidr: "10.0.0.1/24" must not have bits set beyond the prefix length', o => extra(o, egressTo({ cidr: '10.0.0.1/24' }))],
    ['spec.egress[0].to[0].ipBlock.cidr: "010.0.0.0/8" must not have leading 0s in IP or prefix length', o => extra(o, egressTo({ cidr: '010.0.0.0/8' }))],
    ['spec.egress[0].to[0].ipBlock.cidr: "::ffff:10.0.0.0/104" must not have an IPv4-mapped IPv6 address', o => extra(o, egressTo({ cidr: '::ffff:10.0.0.0/104' }))],
    ['spec.egress[0].to[0].ipBlock.cidr: required', o => extra(o, egressTo({ cidr: '' }))],
    ['spec.egress[0].to[0].ipBlock.except[0]: "192.168.0.0/24" must be a strict subset of cidr (10.0.0.0/16)', o => extra(o, egressTo({ cidr: '10.0.0.0/16', except: ['192.168.0.0/24'] }))],
    ['spec.egress[0].to[0].ipBlock.except[0]: "10.0.0.0/16" must be a strict subset of cidr (10.0.0.0/16)', o => extra(o, egressTo({ cidr: '10.0.0.0/16', except: ['10.0.0.0/16'] }))],
    ['spec.loadBalancerSourceRanges[0]: "10.0.0.0/33" must be a valid CIDR value (e.g. 10.9.8.0/24 or 2001:db8::/64)', o => { o[1].spec.type = 'LoadBalancer'; o[1].spec.loadBalancerSourceRanges = ['10.0.0.0/33']; }],
    ['spec.externalIPs[0]: "10.0.0.300" must be a valid IP address (e.g. 10.9.8.7 or 2001:db8::ffff)', o => { o[1].spec.externalIPs = ['10.0.0.300']; }],
  ],
  'api.networkpolicy-ports': [
    ['spec.ingress[0].ports[0].endPort: 8000 must be between port (8080) and 65535', o => extra(o, policy([{ protocol: 'TCP', port: 8080, endPort: 8000 }]))],
    ['spec.ingress[0].ports[0].endPort: may only be set with a numeric port', o => extra(o, policy([{ protocol: 'TCP', port: 'http', endPort: 9000 }]))],
  ],
};

const dir = tempDir('parity-corpus-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('parity with the API server', () => {
  it('has a broken case for every api.* rule', () => {
    expect(Object.keys(CORPUS).sort()).toEqual(Object.keys(RULES).filter(r => r.startsWith('api.')).sort());
  });

  for (const [rule, cases] of Object.entries(CORPUS)) {
    cases.forEach(([message, breakIt], i) => {
      it(`refuses ${rule} #${i + 1}: ${message}`, () => {
        const objects = goodApp();
        breakIt(objects);
        const report = validateIn(dir, `${rule}-${i}`, objects);
        const found = report.errors.filter(f => f.rule.startsWith('api.'));
        expect(found.map(f => ({ rule: f.rule, message: f.message })), JSON.stringify(report.errors, null, 1)).toEqual([{ rule, message }]);
        expect(found[0].object).toMatch(/^[A-Za-z]+ demo\/[a-z-]+$/);
      });
    });
  }

  it('accepts what the API server accepts: defaults, descriptors, ranges and steps', () => {
    const objects = goodApp();
    objects[0].spec.strategy = { rollingUpdate: { maxSurge: 0 } };
    extra(objects,
      cronJob(objects, { schedule: '*/15 1-5,22 * JAN-mar 1-5', timeZone: 'Europe/Paris' }),
      { ...cronJob(objects, { schedule: '@every 1h30m' }), metadata: meta('hourly') },
      hpa({ maxReplicas: 4 }),
      egressTo({ cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.168.0.0/16'] }),
      { ...egressTo({ cidr: '2001:db8::/32', except: ['2001:db8:0:1::/64'] }), metadata: meta('lan-v6') });
    const report = validateIn(dir, 'accepted', objects);
    expect(report.errors.filter(f => f.rule.startsWith('api.'))).toEqual([]);
  });
});
