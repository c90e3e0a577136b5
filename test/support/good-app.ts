import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { loadManifests } from '../../lib/validate/load';
import { validateSubjects } from '../../lib/validate/validate';

// The validator tests' baseline: a small app that passes every rule, and helpers to break it.

export const NS = 'demo';
export const labels = (name: string) => ({
  'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': `${NS}-${name}`, 'app.kubernetes.io/component': 'server',
  'app.kubernetes.io/part-of': NS, 'app.kubernetes.io/managed-by': 'platform-cdk8s',
});
export const selector = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': `${NS}-web` };
export const meta = (name: string, extra: object = {}) => ({ name, namespace: NS, labels: labels(name), ...extra });

/** A small app that passes every rule: the baseline each bad case changes in one place. */
export function goodApp(): any[] {
  const container = {
    name: 'web',
    image: 'registry.example.com/web:1.0.0',
    ports: [{ name: 'http', containerPort: 8080 }],
    readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 },
    livenessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 20 },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
    volumeMounts: [{ name: 'config', mountPath: '/etc/web' }],
  };
  // A deep copy, so no case can change the baseline of another through shared objects.
  return structuredClone([
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web'),
      spec: {
        replicas: 2,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: labels('web') },
          spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [container],
            volumes: [{ name: 'config', configMap: { name: 'web' } }],
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } }],
          },
        },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: meta('web'), spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta('web'), spec: { minAvailable: 1, selector: { matchLabels: selector } } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('web'), data: { 'web.conf': 'x' } },
  ]);
}

export const pod = (objects: any[]) => objects[0].spec.template.spec;
export const web = (objects: any[]) => pod(objects).containers[0];
export const extra = (objects: any[], ...more: any[]): void => { objects.push(...more); };

/** Writes the objects as one multi-document file in `dir` and validates it like `npm run validate` does. */
export function validateIn(dir: string, name: string, objects: any[], text?: string) {
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, text ?? objects.map(o => stringify(JSON.parse(JSON.stringify(o)))).join('---\n'));
  const { subjects, findings } = loadManifests([file], dir);
  return validateSubjects(subjects, undefined, findings);
}
