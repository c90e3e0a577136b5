import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildPlatform } from '../charts/platform';
import { GitOpsChart } from '../lib/gitops/gitops-chart';
import { EnvValue } from '../lib/k8s/env';
import { preCreatedEntries, preCreatedRows, secretsSection, storeItemEntries, storeItemRows } from '../lib/report/secrets';
import { REPORT_FILE, renderAndValidate } from '../lib/synth/synthesize';
import { credentialsOf, externalSecret } from '../lib/secrets/external-secret';
import { WebService } from '../lib/web/web-service';
import { render } from '../lib/synth/render';
import { REPO_ROOT, emptyPlatform, testChart } from './support/platform';
import { PLATFORMS } from './support/platforms';

const platform = buildPlatform();
const rendering = render(platform);
const manifests = rendering.objects.map(o => o.manifest) as any[];

/** Every YAML document under a folder of the repository. */
function documentsUnder(dir: string): { file: string; doc: any }[] {
  return (fs.readdirSync(path.join(REPO_ROOT, dir), { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter(e => e.isFile() && e.name.endsWith('.yaml'))
    .flatMap(e => {
      const file = path.join(e.parentPath, e.name);
      return parseAllDocuments(fs.readFileSync(file, 'utf8')).map(d => ({ file: path.relative(REPO_ROOT, file), doc: d.toJS() }));
    });
}

/** Rows of the Markdown table that follows `heading` in the operations guide, as arrays of cells. */
function guideTable(heading: string): string[][] {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'docs/operations.md'), 'utf8');
  const start = readme.indexOf(heading);
  expect(start, heading).toBeGreaterThan(-1);
  const lines = readme.slice(start).split('\n');
  const first = lines.findIndex(l => l.startsWith('|'));
  const end = lines.findIndex((l, i) => i > first && !l.startsWith('|'));
  const table = lines.slice(first, end);
  return table.slice(2).map(row => row.split('|').slice(1, -1).map(cell => cell.trim()));
}

describe('secrets', () => {
  it('no Secret data is anywhere in dist/ or argocd/: the only Secrets are the empty ones upstream installs for their components to fill', () => {
    const secrets = [...documentsUnder('dist'), ...documentsUnder('argocd')].filter(d => d.doc?.kind === 'Secret');
    expect(secrets.filter(s => s.doc.data || s.doc.stringData).map(s => s.file)).toEqual([]);
    const rendered = rendering.objects.filter(o => o.manifest.kind === 'Secret');
    expect(rendered.every(o => o.chart.outputDir.startsWith('dist/system/') && o.origin)).toBe(true);
  });

  it('ExternalSecrets read each key from the ClusterSecretStore the platform declares, one store item per Secret', () => {
    const store = manifests.find(m => m.kind === 'ClusterSecretStore');
    expect(store.metadata.name).toBe('homelab');
    expect(store.spec.provider).toEqual({
      onepasswordSDK: { vault: 'homelab', auth: { serviceAccountSecretRef: { namespace: 'external-secrets', name: 'onepassword-service-account', key: 'token' } } },
    });
    const grafana = manifests.find(m => m.kind === 'ExternalSecret' && m.metadata.name === 'grafana-admin');
    expect(grafana.spec).toEqual({
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'homelab' },
      target: { name: 'grafana-admin', creationPolicy: 'Owner' },
      data: [
        { secretKey: 'admin-password', remoteRef: { key: 'monitoring-grafana-admin/admin-password' } },
        { secretKey: 'admin-user', remoteRef: { key: 'monitoring-grafana-admin/admin-user' } },
      ],
    });
    for (const m of manifests.filter(x => x.kind === 'ExternalSecret')) expect(m.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'homelab' });
  });

  it('pods list in platform.homelab/external-secrets only the Secrets no ExternalSecret of their app creates', () => {
    const annotated = manifests.flatMap(m => {
      const value = m.spec?.template?.metadata?.annotations?.['platform.homelab/external-secrets'] ?? m.spec?.jobTemplate?.spec?.template?.metadata?.annotations?.['platform.homelab/external-secrets'];
      return value ? [`${m.kind} ${m.metadata.namespace}/${m.metadata.name}: ${value}`] : [];
    });
    // CloudNativePG creates postgres-app, Argo CD's Redis its own password; everything else comes from an ExternalSecret.
    expect(annotated.sort()).toEqual([
      'Deployment argocd/argocd-redis: argocd-redis',
      'Deployment argocd/argocd-repo-server: argocd-redis',
      'Deployment argocd/argocd-server: argocd-redis',
      'Deployment url-shortener/api: postgres-app',
      'StatefulSet argocd/argocd-application-controller: argocd-redis',
    ]);

    const p = emptyPlatform();
    const chart = testChart(p);
    externalSecret(chart, { name: 'api', keys: ['token'], usedBy: 'the client' });
    new WebService(chart, 'web', { image: 'registry.example.com/web:1.0.0', port: 8080, env: { A: EnvValue.fromSecret('api', 'token'), B: EnvValue.fromSecret('by-hand', 'token') } });
    const web = render(p).objects.find(o => o.manifest.kind === 'Deployment')!.manifest as any;
    expect(web.spec.template.metadata.annotations).toEqual({ 'platform.homelab/external-secrets': 'by-hand' });
  });

  it('leaves a Secret out of the annotation even when its ExternalSecret is declared after the workload, and drops the annotation when none is left', () => {
    const p = emptyPlatform();
    const chart = testChart(p);
    new WebService(chart, 'web', { image: 'registry.example.com/web:1.0.0', port: 8080, env: { A: EnvValue.fromSecret('api', 'token') } });
    externalSecret(chart, { name: 'api', keys: ['token'], usedBy: 'the client' });
    const web = render(p).objects.find(o => o.manifest.kind === 'Deployment')!.manifest as any;
    expect(web.spec.template.metadata).not.toHaveProperty('annotations');
  });

  it('merges the keys of one credential declared twice in an app', () => {
    const p = emptyPlatform();
    const chart = testChart(p);
    externalSecret(chart, { name: 'api', keys: ['user'], usedBy: 'login' });
    externalSecret(chart, { name: 'api', keys: ['password'], usedBy: 'login' });
    const objects = render(p).objects.filter(o => o.manifest.kind === 'ExternalSecret');
    expect(objects.map(o => (o.manifest as any).spec.data.map((d: any) => d.secretKey))).toEqual([['password', 'user']]);
  });

  it('installs the external-secrets operator from its pinned chart, rendered into dist/system and synced in the system project', () => {
    const app = manifests.find(m => m.kind === 'Application' && m.metadata.name === 'external-secrets');
    expect(app.spec.project).toBe('system');
    expect(app.spec.source.path).toBe('dist/system/external-secrets');
    expect(app.spec.destination.namespace).toBe('external-secrets');
    const operator = rendering.objects.filter(o => o.file.startsWith('dist/system/external-secrets/'));
    expect(operator.some(o => o.manifest.kind === 'CustomResourceDefinition' && o.manifest.metadata.name === 'externalsecrets.external-secrets.io')).toBe(true);
    expect(new Set(operator.map(o => o.origin?.split(':')[0]))).toEqual(new Set(['chart external-secrets 2.9.0', undefined]));
  });

});

describe.each(PLATFORMS)('secrets of %s', (_, build) => {
  const p = build();
  const objects = render(p).objects.map(o => o.manifest) as any[];

  it('every Secret a pod reads is created by an ExternalSecret of its app, by CloudNativePG, by the app when it runs, or declared pre-created', () => {
    const credentials = credentialsOf(p);
    const preCreated = [...credentials.preCreated, ...credentials.runTime].map(s => `${s.namespace}/${s.name}`);
    const provided = new Set([...preCreated, ...objects.flatMap(m => {
      if (m.kind === 'Secret') return [`${m.metadata.namespace}/${m.metadata.name}`];
      if (m.kind === 'ExternalSecret') return [`${m.metadata.namespace}/${m.spec.target?.name ?? m.metadata.name}`];
      if (m.kind === 'Cluster' && m.apiVersion.startsWith('postgresql.cnpg.io/')) return [`${m.metadata.namespace}/${m.metadata.name}-app`];
      return [];
    })]);
    const read = new Set<string>();
    for (const m of objects) {
      const template = m.kind === 'CronJob' ? m.spec.jobTemplate.spec.template : m.spec?.template;
      if (!template?.spec?.containers) continue;
      const pod = template.spec;
      // An optional Secret (Argo CD's TLS, an operator's webhook certificate) may never exist.
      for (const v of pod.volumes ?? []) if (v.secret && !v.secret.optional) read.add(`${m.metadata.namespace}/${v.secret.secretName}`);
      for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
        for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef && !e.valueFrom.secretKeyRef.optional) read.add(`${m.metadata.namespace}/${e.valueFrom.secretKeyRef.name}`);
      }
    }
    expect(read.size).toBeGreaterThan(0);
    expect([...read].filter(s => !provided.has(s))).toEqual([]);
  });

  it('the secrets tables of docs/operations.md hold only rows the platform generates, and dist/README.md every one', () => {
    const items = storeItemRows(p);
    const byHand = preCreatedRows(p);
    const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
    // A fork may document fewer apps than it runs; every row it shows must be what the charts declare.
    for (const cells of guideTable('Items the store must hold')) expect(items).toContain(row(cells));
    for (const cells of guideTable('Secrets to create by hand')) expect(byHand).toContain(row(cells));
    const report = renderAndValidate(() => p).rendering.files.get(REPORT_FILE)!;
    expect(report).toContain(secretsSection(p));
    for (const line of [...storeItemEntries(p), ...preCreatedEntries(p)]) expect(report).toContain(line);
    expect(storeItemEntries(p).filter(l => l.startsWith('- '))).toHaveLength(items.length);
  });
});

describe('AppProjects', () => {
  const projects = manifests.filter(m => m.kind === 'AppProject');
  const allowsCrds = (p: any) => (p.spec.clusterResourceWhitelist ?? []).some((r: any) => r.kind === 'CustomResourceDefinition' || r.kind === '*' || r.group === '*');

  it('allow CustomResourceDefinitions in the system project only', () => {
    expect(projects.filter(allowsCrds).map(p => p.metadata.name)).toEqual(['system']);
    expect(projects.map(p => p.metadata.name).sort()).toEqual([...platform.categories, 'root'].sort());
  });

  it('allow each category exactly the cluster-scoped objects its apps render, by name', () => {
    for (const project of projects.filter(p => p.metadata.name !== 'root')) {
      const rendered = rendering.objects
        .filter(o => o.chart.outputDir.startsWith(`dist/${project.metadata.name}/`) && !o.manifest.metadata.namespace)
        .map(o => `${(o.manifest.apiVersion.includes('/') ? o.manifest.apiVersion.split('/')[0] : '')}/${o.manifest.kind}/${o.manifest.metadata.name}`);
      const allowed = project.spec.clusterResourceWhitelist.filter((r: any) => r.kind !== 'Namespace').map((r: any) => `${r.group}/${r.kind}/${r.name}`);
      expect(allowed.sort(), project.metadata.name).toEqual(rendered.sort());
    }
  });

  it('refuse a category whose app renders a CustomResourceDefinition', () => {
    const p = emptyPlatform();
    const chart = testChart(p);
    new ApiObject(chart, 'crd', { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.org' } });
    new GitOpsChart(p);
    expect(() => p.derive()).toThrow('gitops/apps: clusterResourceWhitelist: category apps renders CustomResourceDefinition widgets.example.org; only the system layer may install CRDs (declare an OperatorRequirement)');
  });

  it('give the root application nothing but argocd/', () => {
    const root = manifests.find(m => m.kind === 'Application' && m.metadata.name === 'root');
    expect(root.spec.source.path).toBe('argocd');
    const project = projects.find(p => p.metadata.name === 'root');
    expect(project.spec.clusterResourceWhitelist).toEqual([]);
    expect(project.spec.namespaceResourceWhitelist.map((r: any) => `${r.group}/${r.kind}`)).toEqual(['argoproj.io/AppProject', 'argoproj.io/Application', 'argoproj.io/ApplicationSet']);
  });
});
