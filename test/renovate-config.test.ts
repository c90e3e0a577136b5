import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import JSON5 from 'json5';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildPlatform } from '../charts/platform';
import { IMAGES } from '../lib/images';
import { REPO_ROOT } from '../lib/paths';
import type { OperatorRequirement } from '../lib/operators/operator-requirement';
import { releaseToolBin, requireReleaseTool } from '../lib/release/tools';
import { CHART_CACHE_DIR } from '../lib/upstream/chart-cache';
import { upstreamCharts } from '../lib/upstream/registry';

/**
 * renovate.json5 as Renovate reads it: validated by the renovate-config-validator of the pinned
 * `renovate` package (tools/release, installed by pretest), and its custom managers run by
 * Renovate's own regex extractor over the files of this repository, to prove they find every pin
 * the code exports, and nothing else.
 */
const CONFIG_FILE = path.join(REPO_ROOT, 'renovate.json5');

/** The fields of a custom regex manager these tests read (Renovate's own type lives in tools/release). */
interface RegexManager {
  readonly customType: 'regex';
  readonly description: string;
  readonly fileMatch: string[];
  readonly matchStrings: string[];
  readonly datasourceTemplate?: string;
  readonly [field: string]: unknown;
}
interface RenovateDep {
  depName?: string;
  packageName?: string;
  currentValue?: string;
  currentDigest?: string;
  registryUrls?: string[] | null;
  datasource?: string;
  depType?: string;
  versioning?: string;
  skipReason?: string;
}
type Extract = (content: string, file: string, config: object) => Promise<{ deps: RenovateDep[] } | null> | { deps: RenovateDep[] } | null;
const renovate = <T>(module: string) => requireReleaseTool<T>(`renovate/dist/${module}`);
const { extractPackageFile } = renovate<{ extractPackageFile: Extract }>('modules/manager/custom/regex');
const { extractPackageFile: extractDockerfile } = renovate<{ extractPackageFile: Extract }>('modules/manager/dockerfile');
const { extractPackageFile: extractWorkflow } = renovate<{ extractPackageFile: Extract }>('modules/manager/github-actions');
const { resolveConfigPresets } = renovate<{ resolveConfigPresets: (config: object) => Promise<object> }>('config/presets');
const { getFilteredFileList } = renovate<{ getFilteredFileList: (config: object, files: string[]) => string[] }>('workers/repository/extract/file-match');

interface PostUpgradeTasks { commands: string[]; fileFilters: string[]; executionMode: string }
const config = JSON5.parse(fs.readFileSync(CONFIG_FILE, 'utf8')) as { enabledManagers: string[]; customManagers: RegexManager[]; postUpgradeTasks: PostUpgradeTasks; packageRules: Record<string, unknown>[] };
const VALIDATOR = releaseToolBin('renovate-config-validator');

function validate(file: string) {
  // No network: the presets it resolves (config:recommended, helpers:*) ship inside the package.
  return spawnSync(VALIDATOR, ['--strict', file], { cwd: path.dirname(file), encoding: 'utf8', timeout: 120_000, env: { ...process.env, LOG_LEVEL: 'info' } });
}

interface Extracted {
  readonly manager: string;
  readonly file: string;
  readonly depName: string;
  readonly packageName?: string;
  readonly currentValue: string;
  readonly registryUrls?: string[];
  readonly datasource: string;
  readonly depType?: string;
}

const repositoryFiles = () => execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);

/** The files Renovate looks at: the repository's, less the ignorePaths of the config with its presets resolved. */
async function renovateFiles(): Promise<string[]> {
  const resolved = await resolveConfigPresets(structuredClone(config));
  return getFilteredFileList(resolved, repositoryFiles());
}

/** Every dependency each custom manager finds in the files Renovate looks at. */
async function extractAll(): Promise<Extracted[]> {
  const files = await renovateFiles();
  const found: Extracted[] = [];
  for (const manager of config.customManagers) {
    for (const file of files.filter(f => manager.fileMatch.some(p => new RegExp(p).test(f)))) {
      const result = await extractPackageFile(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'), file, manager);
      for (const dep of result?.deps ?? []) {
        found.push({ manager: manager.description, file, depName: dep.depName!, packageName: dep.packageName, currentValue: dep.currentValue!, registryUrls: dep.registryUrls ?? undefined, datasource: dep.datasource!, depType: dep.depType });
      }
    }
  }
  return found;
}

/** The managers of the charts apps render (HelmChart): Helm repositories and OCI registries. */
const appChartManagers = config.customManagers.filter(m => m.depTypeTemplate === 'app-chart');

/** Renovate normalizes a host-only URL with a trailing slash. */
const url = (u: string) => u.replace(/\/$/, '');

/** A found chart as `<repository> <chart> <version>`, the repository as a HelmChart names it. */
function chartOf(dep: Extracted): string {
  if (dep.datasource === 'docker') {
    // An OCI chart is looked up as the image <registry>/<path>/<chart>.
    expect(dep.packageName, `${dep.file}: ${dep.depName}`).toMatch(new RegExp(`/${dep.depName}$`));
    return `oci://${dep.packageName!.slice(0, -dep.depName.length - 1)} ${dep.depName} ${dep.currentValue}`;
  }
  expect(dep.datasource, `${dep.file}: ${dep.depName}`).toBe('helm');
  return `${dep.registryUrls?.map(url).join(',')} ${dep.depName} ${dep.currentValue}`;
}

/** Every OperatorRequirement that lib/operators/ exports. */
async function exportedOperators(): Promise<OperatorRequirement[]> {
  const dir = path.join(REPO_ROOT, 'lib/operators');
  const operators: OperatorRequirement[] = [];
  for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.ts'))) {
    const module = await import(path.join(dir, file)) as Record<string, unknown>;
    for (const value of Object.values(module)) {
      if (value && typeof value === 'object' && 'repoURL' in value && 'chart' in value && 'version' in value) operators.push(value as OperatorRequirement);
    }
  }
  return operators;
}

describe('renovate.json5', () => {
  it('passes renovate-config-validator --strict', () => {
    const run = validate(CONFIG_FILE);
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('Config validated successfully');
  });

  it('would fail the validator with a mistake in it (the check is real)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renovate-config-'));
    try {
      const broken = { ...config, customManagers: [{ ...config.customManagers[0], datasourceTemplate: undefined }], packageRules: [{ matchUpdateTypes: ['major'], separateMultipleMajor: true }] };
      fs.writeFileSync(path.join(dir, 'renovate.json'), JSON.stringify(broken));
      const run = validate(path.join(dir, 'renovate.json'));
      expect(run.status).toBe(1);
      expect(run.stdout).toContain('packageRules cannot combine both matchUpdateTypes and separateMultipleMajor');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('looks at every file that holds a pin, whatever its presets ignore, and at nothing generated', async () => {
    const files = await renovateFiles();
    const pins = repositoryFiles().filter(f => /^(lib\/images\.ts|lib\/operators\/.+\.ts|test\/cluster\/(go\.mod|VERSION)|(app\/)?package\.json|app\/Dockerfile|\.github\/workflows\/.+\.ya?ml)$/.test(f));
    expect(pins).toEqual(expect.arrayContaining(['lib/images.ts', 'test/cluster/go.mod', 'test/cluster/VERSION', 'package.json', 'app/package.json', 'app/Dockerfile']));
    expect(files).toEqual(expect.arrayContaining(pins));
    expect(files.filter(f => /^(dist|argocd)\//.test(f))).toEqual([]);
  });

  it('finds every image pinned in lib/images.ts, as a docker dependency, and nothing else there', async () => {
    const images = (await extractAll()).filter(d => d.manager === 'Container images pinned in lib/images.ts');
    expect(new Set(images.map(d => d.file))).toEqual(new Set(['lib/images.ts']));
    expect(images.map(d => `${d.depName}:${d.currentValue}`).sort()).toEqual(Object.values(IMAGES).sort());
    expect(new Set(images.map(d => d.datasource))).toEqual(new Set(['docker']));
  });

  it('finds every operator chart lib/operators/ exports, with its repository and version', async () => {
    const charts = (await extractAll()).filter(d => d.manager === 'Operator Helm charts in lib/operators/');
    const operators = await exportedOperators();
    expect(operators.length).toBeGreaterThan(0);
    expect(charts.map(d => `${d.registryUrls?.map(url).join(',')} ${d.depName} ${d.currentValue}`).sort())
      .toEqual(operators.map(o => `${url(o.repoURL)} ${o.chart} ${o.version}`).sort());
    expect(new Set(charts.map(d => d.datasource))).toEqual(new Set(['helm']));
  });

  it('finds exactly the upstream Helm charts the platform declares, from a Helm repository or an OCI registry', async () => {
    const declared = upstreamCharts(buildPlatform());
    expect(declared.length).toBeGreaterThan(0);
    const found = (await extractAll()).filter(d => appChartManagers.some(m => m.description === d.manager));
    // Every chart a HelmChart construct pins is found where it is written; nothing else is.
    expect([...new Set(found.map(chartOf))].sort()).toEqual([...new Set(declared.map(c => `${url(c.repository)} ${c.chart} ${c.version}`))].sort());
    expect(new Set(found.map(d => d.depType))).toEqual(new Set(['app-chart']));
  });

  it("reads an app chart's repository, chart and version in either repository form, each form by one manager", async () => {
    const source = (repository: string) => [
      "this.chart = new HelmChart(this, 'app', {",
      `  repository: '${repository}',`,
      "  chart: 'podinfo',",
      "  version: '6.9.2',",
      '  values: { replicaCount: 2 },',
      '});',
    ].join('\n');
    const extract = async (text: string) => {
      const deps: RenovateDep[] = [];
      for (const manager of appChartManagers) {
        expect(manager.fileMatch.some(p => new RegExp(p).test('charts/podinfo.ts')), manager.description).toBe(true);
        deps.push(...((await extractPackageFile(text, 'charts/podinfo.ts', manager))?.deps ?? []));
      }
      return deps;
    };
    const helm = await extract(source('https://stefanprodan.github.io/podinfo'));
    expect(helm).toMatchObject([{ depName: 'podinfo', currentValue: '6.9.2', datasource: 'helm', registryUrls: ['https://stefanprodan.github.io/podinfo'] }]);
    const oci = await extract(source('oci://ghcr.io/stefanprodan/charts'));
    expect(oci).toMatchObject([{ depName: 'podinfo', packageName: 'ghcr.io/stefanprodan/charts/podinfo', currentValue: '6.9.2', datasource: 'docker', versioning: 'helm' }]);
    const asFound = (d: RenovateDep): Extracted => ({ manager: '', file: 'charts/podinfo.ts', depName: d.depName!, packageName: d.packageName, currentValue: d.currentValue!, registryUrls: d.registryUrls ?? undefined, datasource: d.datasource! });
    expect([...helm, ...oci].map(d => chartOf(asFound(d)))).toEqual(['https://stefanprodan.github.io/podinfo podinfo 6.9.2', 'oci://ghcr.io/stefanprodan/charts podinfo 6.9.2']);
    // A HelmChart refuses any other scheme, and so the managers find nothing in it.
    expect(await extract(source('git://example.org/charts'))).toEqual([]);
  });

  it('fills the chart cache before every re-synthesis and commits it, with commands the Renovate workflow allows', () => {
    const workflow = parse(fs.readFileSync(path.join(REPO_ROOT, '.github/workflows/renovate.yml'), 'utf8')) as { jobs: Record<string, { steps: { env?: Record<string, string> }[] }> };
    const allowed = Object.values(workflow.jobs).flatMap(j => j.steps).map(s => s.env?.RENOVATE_ALLOWED_COMMANDS).filter(Boolean).flatMap(v => JSON.parse(v!) as string[]).map(r => new RegExp(r));
    const scripts = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const tasks = [config.postUpgradeTasks, ...config.packageRules.map(r => r.postUpgradeTasks as PostUpgradeTasks | undefined)].filter((t): t is PostUpgradeTasks => !!t);
    expect(tasks.length).toBeGreaterThan(0);
    for (const task of tasks) {
      const synth = task.commands.indexOf('npm run synth');
      expect(synth, task.commands.join('; ')).toBeGreaterThan(task.commands.indexOf('npm run charts:pull'));
      expect(task.commands.indexOf('npm run charts:pull'), task.commands.join('; ')).toBeGreaterThanOrEqual(0);
      // What charts:pull writes (the chart cache the constructs read) is committed with what synth writes.
      expect(task.fileFilters).toEqual(expect.arrayContaining([`${CHART_CACHE_DIR}/**`, 'dist/**', 'argocd/**']));
      for (const command of task.commands) {
        expect(allowed.some(r => r.test(command)), `${command}: not in RENOVATE_ALLOWED_COMMANDS`).toBe(true);
        const script = /^npm run (\S+)$/.exec(command)?.[1];
        if (script) expect(Object.keys(scripts), command).toContain(script);
      }
    }
  });

  it('finds the Kubernetes release of the control-plane tests', async () => {
    const version = fs.readFileSync(path.join(REPO_ROOT, 'test/cluster/VERSION'), 'utf8').trim();
    const found = (await extractAll()).filter(d => d.file === 'test/cluster/VERSION');
    expect(found).toMatchObject([{ depName: 'kubernetes/kubernetes', currentValue: version, datasource: 'github-releases' }]);
  });

  it("reads every workflow's actions as digests with their version, which it can update together", async () => {
    const dir = path.join(REPO_ROOT, '.github/workflows');
    for (const file of fs.readdirSync(dir).filter(f => /\.ya?ml$/.test(f))) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      const actions = ((await extractWorkflow(text, `.github/workflows/${file}`, {}))?.deps ?? []).filter(d => d.depType === 'action');
      expect(actions.length, file).toBe(text.match(/^\s*-?\s*uses: [\w.-]+\//gm)?.length);
      for (const dep of actions) {
        expect({ file, dep: dep.depName, skipReason: dep.skipReason }).toEqual({ file, dep: dep.depName, skipReason: undefined });
        expect(dep.currentDigest, `${file}: ${dep.depName}`).toMatch(/^[0-9a-f]{40}$/);
        expect(dep.currentValue, `${file}: ${dep.depName}`).toMatch(/^v\d+\.\d+\.\d+$/);
      }
    }
  });

  it("finds the service image's base in app/Dockerfile, through its ARG default", async () => {
    const text = fs.readFileSync(path.join(REPO_ROOT, 'app/Dockerfile'), 'utf8');
    const base = /^ARG NODE_IMAGE=(\S+):(\S+)$/m.exec(text)!;
    const deps = (await extractDockerfile(text, 'app/Dockerfile', {}))?.deps ?? [];
    expect(deps.filter(d => d.depName === base[1]).map(d => d.currentValue)).toContain(base[2]);
    expect(config).toMatchObject({ enabledManagers: expect.arrayContaining(['dockerfile', 'npm', 'gomod', 'github-actions', 'custom.regex']) });
  });
});
