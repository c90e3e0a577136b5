import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDiffMarkdown } from '../lib/diff/format';
import { diffTrees } from '../lib/diff/object-diff';
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
    expect(markdown).toMatch(/_\d+ app section\(s\) cut to stay under GitHub's 20000-character comment limit: dist\/apps\/app\d+/);
    expect(markdown).toContain('<details><summary><code>dist/apps/app0</code> (~1)</summary>');
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
    `    new HelmChart(this, 'chart', { repository: 'https://charts.example.com/demo', chart: 'demo', version: '${version}', cacheDir: 'test/fixtures/charts', values: { image: { tag: '2.4.0' } } });`,
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
    // The Deployment and Service of the chart, and the report's line on the chart.
    expect(result.stdout).toMatch(/Plan: 1 to add, 3 to change, 0 to rename, 0 to remove/);
    expect(result.stdout).toContain('dist/apps/demo (+1 ~2)\n  + ConfigMap demo/demo-settings\n  ~ Deployment.apps demo/demo\n  ~ Service demo/demo\n');
    expect(result.stdout).toContain('-    helm.sh/chart: demo-1.0.0');
    expect(result.stdout).toContain('+    helm.sh/chart: demo-1.1.0');
    expect(result.stdout).toContain('+              path: /readyz');
  });
});
