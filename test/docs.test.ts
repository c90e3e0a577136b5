/**
 * The docs in layers: a README a newcomer reads in five minutes, guides in docs/ that hold every
 * detail it used to, a construct reference generated from the code, and examples that synthesize.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PLATFORM_CHARTS, PLATFORM_SETTINGS, buildPlatform } from '../charts/platform';
import { REFERENCE_FILE, constructReference } from '../lib/docs/construct-reference';
import { renderAndValidate } from '../lib/synth/synthesize';
import { PaperlessChart } from '../docs/examples/paperless';
import { REPO_ROOT } from './support/platform';

const read = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
const README = read('README.md');
/** The guides: every Markdown file of docs/ but the generated reference. */
const GUIDES = ['adding-an-app', 'charts', 'plain-yaml', 'reviewing', 'operations', 'architecture', 'how-it-works', 'releasing', 'testing'].map(g => `docs/${g}.md`);

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
const anchorOf = (heading: string) => heading.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');
const anchors = (text: string) => new Set(text.split('\n').filter(l => /^#{1,4} /.test(l)).map(l => anchorOf(l.replace(/^#+ /, ''))));

describe('the README', () => {
  it('reads in five minutes: under 100 lines, what it is, the two commands, a quick start and where to go next', () => {
    expect(README.split('\n').length).toBeLessThan(100);
    expect(README.split('\n').filter(l => l.startsWith('## '))).toEqual(['## Two commands', '## Quick start', '## Where to go next']);
  });

  it('gives exactly the two commands, and CI runs the second as the README writes it', () => {
    const block = README.slice(README.indexOf('## Two commands')).split('```')[1];
    const commands = block.split('\n').slice(1).map(l => l.replace(/#.*/, '').trim()).filter(Boolean);
    expect(commands).toEqual(['npm ci && npm run synth', 'npm test']);
    expect(read('.ci/run').split('\n')).toContain('npm test');
  });

  it('documents the command that runs one test file without the pretest, and the guide shows it', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['test:one']).toBe('vitest run --project platform');
    expect(scripts).not.toHaveProperty(['pretest:one']);
    expect(README).toContain('npm run test:one -- test/<file>.test.ts');
    expect(read('docs/testing.md')).toContain('npm run test:one -- test/');
  });

  it('has a quick start whose commands are all npm scripts of the repository, from install to an added app checked on the control plane', () => {
    const quickStart = README.slice(README.indexOf('## Quick start'), README.indexOf('## Where to go next'));
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    const used = [...quickStart.matchAll(/npm run ([\w:-]+)/g)].map(m => m[1]);
    expect(new Set(used)).toEqual(new Set(['synth', 'new-app', 'validate', 'diff', 'cluster:check', 'bootstrap']));
    for (const script of used) expect(scripts, script).toHaveProperty([script]);
  });
});

describe('the guides', () => {
  it('hold every section the long README had, each under its own heading', () => {
    const moved: Record<string, string> = {
      'Reviewing a change': 'docs/reviewing.md', 'Releasing the URL shortener': 'docs/releasing.md', 'Keeping pins current (Renovate)': 'docs/releasing.md',
      'The real control plane': 'docs/testing.md', 'The real Argo CD': 'docs/testing.md', 'Layout': 'docs/architecture.md', 'Settings': 'docs/operations.md',
      'Composition: declare, then derive': 'docs/how-it-works.md', 'Network policies and quotas': 'docs/how-it-works.md', 'Monitoring': 'docs/operations.md',
      'Secrets': 'docs/operations.md', 'Entry points': 'docs/how-it-works.md', 'Data layer': 'docs/how-it-works.md', 'Backups': 'docs/operations.md',
      'Operators': 'docs/operations.md', 'GPUs': 'docs/operations.md', 'Bootstrapping Argo CD': 'docs/operations.md', 'A Helm chart': 'docs/charts.md',
      'How Helm is installed': 'docs/charts.md', 'A folder of YAML': 'docs/plain-yaml.md', 'The URL shortener as a public service': 'docs/operations.md',
      '`npm run new-app`': 'docs/adding-an-app.md', 'Synthesis': 'docs/reviewing.md', 'What `npm test` needs': 'docs/testing.md',
    };
    for (const [heading, file] of Object.entries(moved)) expect(anchors(read(file)), `${heading} in ${file}`).toContain(anchorOf(heading));
  });

  it('describe in detail every app the README lists, and the way from a fork to a running cluster', () => {
    const appsOf = (text: string) => text.split('\n').filter(l => l.startsWith('| `')).flatMap(l => [...l.split('|')[1].matchAll(/`([a-z0-9-]+)`/g)].map(m => m[1]));
    const howItWorks = read('docs/how-it-works.md');
    const detailed = appsOf(howItWorks.slice(howItWorks.indexOf('## What it deploys'), howItWorks.indexOf('## Composition')));
    expect(appsOf(README).filter(app => !detailed.includes(app))).toEqual(['argocd']); // "Argo CD and the operators": docs/operations.md
    expect(anchors(read('docs/operations.md'))).toContain('from-a-fork-to-a-running-cluster');
  });

  it('link only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const file of ['README.md', ...GUIDES, REFERENCE_FILE]) {
      for (const [, target] of read(file).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^https?:/.test(target)) continue;
        const [rel, anchor] = target.split('#');
        const resolved = rel ? path.join(path.dirname(file), rel) : file;
        if (!fs.existsSync(path.join(REPO_ROOT, resolved))) broken.push(`${file}: ${target}`);
        else if (anchor && resolved.endsWith('.md') && !anchors(read(resolved)).has(anchor)) broken.push(`${file}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('show a chart with a web service, a database, a cache, a volume and another app that type-checks and synthesizes as the guide prints it', () => {
    const example = read('docs/examples/paperless.ts');
    expect(read('docs/adding-an-app.md')).toContain(example.trimEnd());
    // With the repository's compiler options, as `npm run typecheck` checks charts/.
    const { options } = ts.parseJsonConfigFileContent(ts.readConfigFile(path.join(REPO_ROOT, 'tsconfig.json'), ts.sys.readFile).config, ts.sys, REPO_ROOT);
    const program = ts.createProgram([path.join(REPO_ROOT, 'docs/examples/paperless.ts')], options);
    expect(ts.getPreEmitDiagnostics(program).map(d => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
    const { rendering } = renderAndValidate(() => buildPlatform(PLATFORM_SETTINGS, [...PLATFORM_CHARTS, p => new PaperlessChart(p, 'ghcr.io/paperless-ngx/paperless-ngx:2.14.7')]));
    const kinds = rendering.objects.filter(o => o.file.startsWith('dist/apps/paperless/')).map(o => `${o.manifest.kind}/${o.manifest.metadata.name}`);
    expect(kinds).toEqual(expect.arrayContaining(['Deployment/paperless', 'StatefulSet/postgres', 'StatefulSet/valkey', 'PersistentVolumeClaim/media', 'Ingress/paperless', 'ExternalSecret/paperless-postgres']));
  }, 120_000);
});

describe('the construct reference', () => {
  it('is what TypeDoc reads from the props and their @default docs now (npm run docs:reference)', async () => {
    expect(read(REFERENCE_FILE), `${REFERENCE_FILE} is stale: run npm run docs:reference`).toBe(await constructReference());
  }, 120_000);

  it('lists every prop of the constructs a chart composes, with its default', () => {
    const reference = read(REFERENCE_FILE);
    for (const props of ['WebServiceProps', 'PostgresProps', 'ValkeyProps', 'VolumeClaimProps', 'RoutesProps', 'HelmChartProps', 'ManifestsProps', 'AppChartProps']) {
      expect(reference, props).toContain(`#### \`${props}\``);
    }
    expect(reference).toMatch(/\| `replicas` \| `number` \| `WEB_SERVICE_DEFAULTS.replicas` \(2, seed 000: two replicas for zero-downtime deploys\) \|/);
  });
});
