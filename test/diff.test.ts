import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDiffMarkdown, formatDiffText } from '../lib/diff/format';
import { diffTrees, hasChanges } from '../lib/diff/object-diff';
import { copyProject } from './support/platform';

const yaml = (kind: string, name: string, extra = '') => `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  namespace: demo\n${extra}`;

describe('diffTrees', () => {
  const base = new Map([
    ['dist/apps/demo/configmap-a.yaml', yaml('ConfigMap', 'a', 'data:\n  key: one\n')],
    ['dist/apps/demo/configmap-gone.yaml', yaml('ConfigMap', 'gone', 'data:\n  key: x\n')],
    ['dist/apps/demo/service-old.yaml', yaml('Service', 'old', 'spec:\n  ports:\n    - port: 80\n')],
    ['dist/apps/demo/configmap-same.yaml', yaml('ConfigMap', 'same')],
  ]);
  const head = new Map([
    ['dist/apps/demo/configmap-a.yaml', yaml('ConfigMap', 'a', 'data:\n  key: two\n')],
    ['dist/apps/demo/configmap-new.yaml', yaml('ConfigMap', 'new', 'data:\n  key: y\n')],
    ['dist/apps/demo/service-renamed.yaml', yaml('Service', 'renamed', 'spec:\n  ports:\n    - port: 80\n')],
    ['dist/apps/demo/configmap-same.yaml', yaml('ConfigMap', 'same')],
  ]);
  const diff = diffTrees(base, head);

  it('sorts objects into added, removed, changed and renamed, per app', () => {
    expect(diff.totals).toEqual({ added: 1, removed: 1, changed: 1, renamed: 1, unchanged: 1 });
    const [app] = diff.apps;
    expect(app.app).toBe('dist/apps/demo');
    expect(app.added.map(c => c.key)).toEqual(['ConfigMap demo/new']);
    expect(app.removed.map(c => c.key)).toEqual(['ConfigMap demo/gone']);
    expect(app.renamed.map(c => [c.from, c.key])).toEqual([['Service demo/old', 'Service demo/renamed']]);
  });

  it('shows a changed field as a unified YAML diff of the object', () => {
    expect(diff.apps[0].changed[0].patch).toBe([
      '# ConfigMap demo/a',
      '--- dist/apps/demo/configmap-a.yaml',
      '+++ dist/apps/demo/configmap-a.yaml',
      '@@ -4,4 +4,4 @@',
      '   name: a',
      '   namespace: demo',
      ' data:',
      '-  key: one',
      '+  key: two',
    ].join('\n'));
  });

  it('keeps the Markdown comment under the limit, cutting app sections and saying which', () => {
    const many = (n: number, value: string) => new Map(Array.from({ length: n }, (_, i) => [`dist/apps/app${i}/configmap-c.yaml`, yaml('ConfigMap', `c${i}`, `data:\n  key: ${value.repeat(200)}\n`)]));
    const markdown = formatDiffMarkdown(diffTrees(many(50, 'a'), many(50, 'b')), 20_000);
    expect(markdown.length).toBeLessThanOrEqual(20_000);
    expect(markdown).toMatch(/^### Rendered manifests\n\nPlan: 0 to add, 50 to change, 0 to rename, 0 to remove \(0 unchanged\)\./);
    expect(markdown).toMatch(/_\d+ section\(s\) cut to stay under GitHub's 20000-character comment limit: dist\/apps\/app\d+/);
    expect(markdown).toContain('<details><summary><code>dist/apps/app0</code> (~1)</summary>');
  });
});

/** An ApplicationSet over `dist/<category>/*`, as the GitOps layer renders it. */
const applicationSet = (category: string, options: { preserve?: boolean; finalizer?: boolean; prune?: boolean }) => [
  'apiVersion: argoproj.io/v1alpha1', 'kind: ApplicationSet', 'metadata:', `  name: ${category}`, '  namespace: argocd', 'spec:',
  '  generators:', '    - git:', '        directories:', `          - path: dist/${category}/*`,
  ...(options.preserve ? ['  syncPolicy:', '    preserveResourcesOnDeletion: true'] : []),
  '  template:', '    metadata:', '      name: "{{.path.basename}}"', ...(options.finalizer ? ['      finalizers:', '        - resources-finalizer.argocd.argoproj.io'] : []),
  '    spec:', '      syncPolicy:', '        automated:', `          prune: ${options.prune ?? true}`, '',
].join('\n');
const claim = (name: string, extra = '') => `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: ${name}\n  namespace: demo\n${extra}spec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n`;
const KEEP = '  annotations:\n    argocd.argoproj.io/sync-options: Prune=false,Delete=false\n';
const deployment = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: demo\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/paperless-ngx/paperless-ngx:2.14.7\n          ports:\n            - containerPort: 8000\n`;

describe('the plan of a diff', () => {
  it('never counts the report as an object, and summarizes it by section, reachable pairs edge by edge', () => {
    const report = (edges: string[]) => ['# Platform architecture', '', '## Network reachability', '', '### Reachable pairs', '', ...edges, '', '## Secrets', '', '- demo/`db`: keys `password`', ''].join('\n');
    const base = new Map([['dist/README.md', report(['- a/web → a/db: 5432'])], ['dist/apps/demo/configmap-a.yaml', yaml('ConfigMap', 'a')]]);
    const head = new Map([['dist/README.md', report(['- a/web → a/db: 5432', '- a/web → a/cache: 6379'])], ['dist/apps/demo/configmap-a.yaml', yaml('ConfigMap', 'a')]]);
    const diff = diffTrees(base, head);
    expect(diff.totals).toEqual({ added: 0, removed: 0, changed: 0, renamed: 0, unchanged: 1 });
    expect(hasChanges(diff)).toBe(false);
    const text = formatDiffText(diff);
    expect(text).toContain('No changes: 1 objects identical; dist/README.md, the generated report, differs.');
    expect(text).toContain('dist/README.md (the generated report; no object): 1 section changed\n  Reachable pairs: +1 −0\n    + a/web → a/cache: 6379');
    expect(text).not.toContain('a/web → a/db');
  });

  it('shows the key fields of each new object: kind, replicas, image, ports, hosts, storage', () => {
    const ingress = 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  namespace: demo\nspec:\n  rules:\n    - host: paperless.example.org\n';
    const diff = diffTrees(new Map(), new Map([['dist/apps/demo/deployment-web.yaml', deployment], ['dist/apps/demo/ingress-web.yaml', ingress], ['dist/apps/demo/persistentvolumeclaim-data.yaml', claim('data')]]));
    expect(formatDiffText(diff)).toContain([
      'dist/apps/demo (+3)',
      '  + Deployment.apps demo/web: replicas 2, image ghcr.io/paperless-ngx/paperless-ngx:2.14.7, port 8000',
      '  + Ingress.networking.k8s.io demo/web: hosts paperless.example.org',
      '  + PersistentVolumeClaim demo/data: storage 1Gi',
    ].join('\n'));
  });

  it('says what Argo CD does with what leaves git: prunes it from an app that stays, but for Prune=false', () => {
    const argocd = ['argocd/applicationset-apps.yaml', applicationSet('apps', { preserve: true })] as const;
    const base = new Map([argocd, ['dist/apps/demo/configmap-a.yaml', yaml('ConfigMap', 'a')], ['dist/apps/demo/configmap-gone.yaml', yaml('ConfigMap', 'gone')], ['dist/apps/demo/persistentvolumeclaim-data.yaml', claim('data', KEEP)]]);
    const head = new Map([argocd, ['dist/apps/demo/configmap-a.yaml', yaml('ConfigMap', 'a')]]);
    const diff = diffTrees(base, head);
    expect(Object.fromEntries([...diff.plan.fates].map(([k, f]) => [k, f.kind]))).toEqual({ 'ConfigMap demo/gone': 'pruned', 'PersistentVolumeClaim demo/data': 'kept' });
    const text = formatDiffText(diff);
    expect(text).toContain('Argo CD, of the 2 removed: prunes 1, keeps 1 (Prune=false or Delete=false).');
    expect(text).toContain('    pruned: Application demo prunes it on its next automated sync');
    expect(text).toContain('    kept: Prune=false: Application demo never prunes it; it stays, shown as out of sync, until deleted by hand');
    expect(text).toContain('DATA PersistentVolumeClaim demo/data (dist/apps/demo): removed; it holds a volume: Prune=false: Application demo never prunes it');
  });

  it('says that a removed app keeps running, orphaned, where its ApplicationSet preserves resources on deletion, and goes with its Application where it cascades', () => {
    const objects = (category: string) => new Map([
      [`dist/${category}/demo/deployment-web.yaml`, deployment],
      [`dist/${category}/demo/statefulset-db.yaml`, 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  namespace: demo\nspec:\n  volumeClaimTemplates:\n    - metadata:\n        name: data\n'],
    ]);
    const preserving = new Map([['argocd/applicationset-apps.yaml', applicationSet('apps', { preserve: true, finalizer: true })]]);
    const orphaned = diffTrees(new Map([...preserving, ...objects('apps')]), preserving);
    expect(formatDiffText(orphaned)).toContain([
      'Plan: 0 to add, 0 to change, 0 to rename, 2 to remove (1 unchanged).',
      'Argo CD, of the 2 removed: leaves 2 running as orphans.',
      'DATA StatefulSet.apps demo/db (dist/apps/demo): removed; it holds volume claims data: ApplicationSet apps deletes Application demo (its folder is gone) but preserves resources on deletion: it keeps running, orphaned, managed by nothing, until deleted by hand',
    ].join('\n'));
    const cascading = new Map([['argocd/applicationset-tools.yaml', applicationSet('tools', { finalizer: true })]]);
    const deleted = diffTrees(new Map([...cascading, ...objects('tools')]), cascading);
    expect([...deleted.plan.fates.values()].map(f => f.kind)).toEqual(['deleted', 'deleted']);
    expect(formatDiffText(deleted)).toContain('    deleted: ApplicationSet tools deletes Application demo (its folder is gone) with its resources');
  });

  it('flags data replaced: a renamed claim starts empty, a changed claim template cannot be applied in place', () => {
    const statefulSet = (storage: string) => `apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  namespace: demo\nspec:\n  replicas: 1\n  volumeClaimTemplates:\n    - metadata:\n        name: data\n      spec:\n        resources:\n          requests:\n            storage: ${storage}\n`;
    const argocd = ['argocd/applicationset-apps.yaml', applicationSet('apps', {})] as const;
    const base = new Map([argocd, ['dist/apps/demo/persistentvolumeclaim-data.yaml', claim('data')], ['dist/apps/demo/statefulset-db.yaml', statefulSet('1Gi')]]);
    const head = new Map([argocd, ['dist/apps/demo/persistentvolumeclaim-files.yaml', claim('files')], ['dist/apps/demo/statefulset-db.yaml', statefulSet('2Gi')]]);
    const data = diffTrees(base, head).plan.data.map(d => `${d.key}: ${d.message}`);
    expect(data).toEqual([
      'PersistentVolumeClaim demo/files: replaces PersistentVolumeClaim demo/data, which holds a volume: the new one starts empty; the old one: Application demo prunes it on its next automated sync',
      'StatefulSet.apps demo/db: changes fields the API server keeps immutable, so the sync fails until the object is deleted and created again; it holds volume claims data (its claims stay, and a new StatefulSet of the same name binds them again)',
    ]);
  });
});

describe('npm run diff over real git history', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
  const diff = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/diff.ts', ...args], { cwd: repo, encoding: 'utf8' });

  beforeAll(() => {
    repo = copyProject();
    fs.writeFileSync(path.join(repo, '.gitignore'), 'node_modules\n.cdk8s.out\n');
    git('init', '-q', '-b', 'main');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'base');
  });
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  it('exits 0 and says so when the working tree synthesizes what the base does', () => {
    const result = diff('--base', 'HEAD');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^No changes: \d+ objects identical\./);
  });

  it('exits 1 and shows the plan when a chart changes, without touching the working tree', () => {
    const chart = path.join(repo, 'charts/blog.ts');
    fs.writeFileSync(chart, fs.readFileSync(chart, 'utf8').replace("port: 3334,", "port: 3335,").replace("staticfiles: '2Gi'", "staticfiles: '3Gi'"));
    const status = git('status', '--porcelain');
    const result = diff('--base', 'HEAD', '--format', 'markdown');
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout).toContain('| `dist/apps/blog` | 0 | ');
    expect(result.stdout).toContain('+        server web:3335;');
    expect(result.stdout).toContain('+              containerPort: 3335');
    expect(result.stdout).toContain('-      storage: 2Gi');
    expect(git('status', '--porcelain')).toBe(status);
  });

  it("plans a removed app's objects as Argo CD will leave them: running, orphaned, under preserveResourcesOnDeletion, its database flagged as data", () => {
    git('checkout', '--', '.');
    const platformFile = path.join(repo, 'charts/platform.ts');
    fs.writeFileSync(platformFile, fs.readFileSync(platformFile, 'utf8').replace('  platform => new MinifluxChart(platform),\n', '').replace("import { MinifluxChart } from './miniflux';\n", ''));
    const result = diff('--base', 'HEAD');
    expect(result.status, result.stderr).toBe(1);
    const removed = Number(/(\d+) to remove/.exec(result.stdout)?.[1]);
    expect(removed).toBeGreaterThan(5);
    expect(result.stdout).toContain(`Argo CD, of the ${removed} removed: leaves ${removed} running as orphans.`);
    expect(result.stdout).toContain('DATA StatefulSet.apps miniflux/postgres (dist/apps/miniflux): removed; it holds volume claims data: ApplicationSet apps deletes Application miniflux (its folder is gone) but preserves resources on deletion');
    // The report is summarized, never one of the objects to change.
    expect(result.stdout).not.toMatch(/~ file dist\/README\.md/);
    expect(result.stdout).toContain('dist/README.md (the generated report; no object)');
    expect(result.stdout).toContain('    - miniflux/miniflux → miniflux/postgres: 5432');
    git('checkout', '--', '.');
  }, 300_000);

  it('names a base that is not a commit', () => {
    const result = diff('--base', 'no-such-ref');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--base no-such-ref: not a commit in this repository');
  });
});

describe('npm run diff over a chart upgrade', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo, encoding: 'utf8' });
  const demoApp = (version: string) => [
    "import { AppChart } from '../lib/platform/app-chart';",
    "import { Platform } from '../lib/platform/platform';",
    "import { HelmChart } from '../lib/upstream/helm-chart';",
    '',
    'export class DemoChart extends AppChart {',
    "  constructor(platform: Platform) {",
    "    super(platform, 'demo', { category: 'apps' });",
    `    new HelmChart(this, 'chart', { repository: 'https://charts.example.com/demo', chart: 'demo', version: '${version}', cacheDir: 'test/fixtures/charts', values: { image: { tag: '2.4.0' } }, images: ['registry.example.com/demo/web:2.4.0'] });`,
    '  }',
    '}',
    '',
  ].join('\n');

  beforeAll(() => {
    repo = copyProject(['test/fixtures/charts']);
    fs.writeFileSync(path.join(repo, '.gitignore'), 'node_modules\n.cdk8s.out\n.cache\n');
    fs.writeFileSync(path.join(repo, 'charts/demo.ts'), demoApp('1.0.0'));
    const platformFile = path.join(repo, 'charts/platform.ts');
    fs.writeFileSync(platformFile, fs.readFileSync(platformFile, 'utf8')
      .replace("import { WhoamiChart } from './whoami';", "import { WhoamiChart } from './whoami';\nimport { DemoChart } from './demo';")
      .replace('  // npm run new-app adds app charts above this line.', '  platform => new DemoChart(platform),\n  // npm run new-app adds app charts above this line.'));
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'demo 1.0.0');
  });
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  it('shows the objects the new chart version adds and changes', () => {
    fs.writeFileSync(path.join(repo, 'charts/demo.ts'), demoApp('1.1.0'));
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/diff.ts', '--base', 'HEAD'], { cwd: repo, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(1);
    // The Deployment and Service of the chart; the report's line on the chart is no object.
    expect(result.stdout).toMatch(/Plan: 1 to add, 2 to change, 0 to rename, 0 to remove/);
    expect(result.stdout).toContain('dist/apps/demo (+1 ~2)\n  + ConfigMap demo/demo-settings: keys ');
    expect(result.stdout).toContain('\n  ~ Deployment.apps demo/demo\n  ~ Service demo/demo\n');
    expect(result.stdout).toContain('-    helm.sh/chart: demo-1.0.0');
    expect(result.stdout).toContain('+    helm.sh/chart: demo-1.1.0');
    expect(result.stdout).toContain('+              path: /readyz');
  });
});
