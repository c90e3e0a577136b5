/**
 * The rendering records of vendor/charts/renderings/: what lets a fresh clone synthesize without
 * building Helm. Every record is rendered again here with the real, pinned Helm and must be
 * identical, so no record can lie; synthesis uses a record only when its inputs are the chart's,
 * values and Helm pin of now, and otherwise runs Helm as it always did.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PLATFORM_SETTINGS, buildPlatform } from '../charts/platform';
import { GitOpsChart } from '../lib/gitops/gitops-chart';
import { NetworkPolicies } from '../lib/networking/network-policies';
import { Platform } from '../lib/platform/platform';
import { ResourceQuotas } from '../lib/platform/resource-quotas';
import { renderAndValidate, synthesize } from '../lib/synth/synthesize';
import { CHART_CACHE_DIR, cachedChart } from '../lib/upstream/chart-cache';
import { helmBinaryPath, helmPin } from '../lib/upstream/helm-binary';
import { KUBE_VERSION, runHelm } from '../lib/upstream/helm-template';
import type { HelmRendering } from '../lib/upstream/rendering';
import { RECORDS_FOLDER, RenderingRecord, recordProblem, recordText, syncRecords } from '../lib/upstream/rendering-records';
import { useHelmOnlyCache } from './support/helm-cache';
import { REPO_ROOT, tempDir } from './support/platform';
import { DEMO_IMAGE, DEMO_VALUES, DemoChartApp } from './support/upstream-apps';

const RECORDS = path.join(REPO_ROOT, CHART_CACHE_DIR, RECORDS_FOLDER);
const recordFiles = fs.readdirSync(RECORDS).filter(f => f.endsWith('.json')).sort();
const readRecordFile = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as RenderingRecord;

/** Runs `f` with PLATFORM_CACHE_DIR (the pinned Helm's folder and the local rendering cache) at `dir`. */
function withCacheDir<T>(dir: string, f: () => T): T {
  const previous = process.env.PLATFORM_CACHE_DIR;
  process.env.PLATFORM_CACHE_DIR = dir;
  try {
    return f();
  } finally {
    if (previous === undefined) delete process.env.PLATFORM_CACHE_DIR;
    else process.env.PLATFORM_CACHE_DIR = previous;
  }
}

/**
 * A platform of its own with the derived charts, around the demo app from the chart cache `cacheDir`;
 * `images` lists the images it renders, as every image a chart renders must be a pin.
 */
function demoPlatform(cacheDir: string, values = DEMO_VALUES, images = [DEMO_IMAGE]): Platform {
  const platform = new Platform({ ...PLATFORM_SETTINGS, capacity: { nodes: 1, cpuPerNode: '8', memoryPerNode: '16Gi' } });
  new DemoChartApp(platform, 'demo', { cacheDir, values, images });
  new NetworkPolicies(platform);
  new ResourceQuotas(platform);
  new GitOpsChart(platform);
  return platform;
}

const demoRendering = (renderings: HelmRendering[]) => renderings.find(r => r.inputs.chart === 'demo')!;
const image = (r: HelmRendering) => (r.documents.find(d => (d.value as any).kind === 'Deployment')!.value as any).spec.template.spec.containers[0].image;

describe('the committed rendering records', () => {
  it('are exactly the renderings of the platform, each read from its record and none from Helm', () => {
    const { renderings } = renderAndValidate(buildPlatform);
    const committed = renderings.filter(r => path.dirname(r.recordFile) === RECORDS);
    expect(committed.map(r => path.basename(r.recordFile)).sort()).toEqual(recordFiles);
    expect(committed.filter(r => r.from !== 'record').map(r => `${path.basename(r.recordFile)}: from ${r.from}`)).toEqual([]);
    expect(recordFiles.length).toBeGreaterThan(0);
  });

  it.each(recordFiles)('%s holds what the pinned Helm renders from the inputs written in it', file => {
    const record = readRecordFile(path.join(RECORDS, file));
    expect(recordProblem(record)).toBeUndefined();
    const { inputs } = record;
    // The inputs are the chart cache's, the Helm pin's and the control plane's release of now...
    const chart = cachedChart(file, inputs, path.join(REPO_ROOT, CHART_CACHE_DIR));
    expect(inputs.digest).toBe(chart.digest);
    expect(inputs.helm).toEqual({ version: helmPin().version, modules: helmPin().modules });
    expect(inputs.kubeVersion).toBe(KUBE_VERSION);
    // ...and the real Helm renders exactly the recorded documents from them.
    expect(runHelm({ chart, release: inputs.release, namespace: inputs.namespace, values: inputs.values, where: file })).toEqual(record.documents);
  });
});

describe('synthesis with rendering records', () => {
  let root: string;
  const cache = () => path.join(root, '.cache');
  beforeAll(() => {
    root = tempDir('platform-records-');
    // A chart cache of the project in `root`: the demo chart, rendered by the real Helm.
    fs.cpSync(path.join(REPO_ROOT, 'test/fixtures/charts'), path.join(root, CHART_CACHE_DIR), { recursive: true });
  });
  useHelmOnlyCache(cache);
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const charts = () => path.join(root, CHART_CACHE_DIR);
  const demoRecord = () => path.join(charts(), RECORDS_FOLDER, 'demo.demo.demo.json');

  it('needs no Helm for the committed platform: every chart comes from its record', () => {
    // A "Helm" that only notes that it ran, and fails.
    const fake = tempDir('platform-no-helm-');
    try {
      const binary = withCacheDir(fake, () => helmBinaryPath());
      fs.mkdirSync(path.dirname(binary), { recursive: true });
      fs.writeFileSync(binary, `#!/bin/sh\necho "$@" >> ${fake}/ran\nexit 1\n`, { mode: 0o755 });
      const { renderings } = withCacheDir(fake, () => renderAndValidate(buildPlatform));
      expect(renderings.map(r => r.from)).toEqual(renderings.map(() => 'record'));
      expect(fs.existsSync(path.join(fake, 'ran'))).toBe(false);
    } finally {
      fs.rmSync(fake, { recursive: true, force: true });
    }
  });

  it('writes the record of a chart Helm rendered, reads it on the next synth, and removes a record no chart uses', () => {
    const orphan = path.join(charts(), RECORDS_FOLDER, 'gone.gone.demo.json');
    fs.mkdirSync(path.dirname(orphan), { recursive: true });
    fs.writeFileSync(orphan, '{}\n');
    const check = synthesize(() => demoPlatform(charts()), { root, check: true });
    expect(check.result.added).toContain(`${CHART_CACHE_DIR}/${RECORDS_FOLDER}/demo.demo.demo.json`);
    expect(check.result.removed).toContain(`${CHART_CACHE_DIR}/${RECORDS_FOLDER}/gone.gone.demo.json`);
    expect(fs.existsSync(demoRecord())).toBe(false);

    synthesize(() => demoPlatform(charts()), { root });
    expect(fs.existsSync(orphan)).toBe(false);
    const record = readRecordFile(demoRecord());
    expect(record.inputs).toMatchObject({ chart: 'demo', version: '1.0.0', release: 'demo', namespace: 'demo', values: DEMO_VALUES });
    expect(recordProblem(record)).toBeUndefined();
    expect(demoRendering(renderAndValidate(() => demoPlatform(charts())).renderings).from).toBe('record');
    // Up to date: a second synth and a check change nothing.
    expect(synthesize(() => demoPlatform(charts()), { root, check: true }).result).toMatchObject({ added: [], changed: [], removed: [] });
  });

  it('uses a record only for the inputs it was made from: other values run Helm, and the record follows them', () => {
    const values = { ...DEMO_VALUES, image: { repository: 'registry.example.com/demo/web', tag: '2.4.1' } };
    const images = ['registry.example.com/demo/web:2.4.1'];
    const other = demoRendering(renderAndValidate(() => demoPlatform(charts(), values, images)).renderings);
    expect(other.from).not.toBe('record');
    expect(image(other)).toBe('registry.example.com/demo/web:2.4.1');
    const check = synthesize(() => demoPlatform(charts(), values, images), { root, check: true });
    expect(check.result.changed).toEqual(['dist/apps/demo/deployment-demo.yaml', `${CHART_CACHE_DIR}/${RECORDS_FOLDER}/demo.demo.demo.json`]);
    synthesize(() => demoPlatform(charts(), values, images), { root });
    expect(readRecordFile(demoRecord()).inputs.values).toEqual(values);
    synthesize(() => demoPlatform(charts()), { root });
  });

  it('is trusted for its documents, which is why every record is rendered again above', () => {
    // A record whose documents were changed with their digest: synthesis believes it, Helm does not.
    const record = readRecordFile(demoRecord());
    const forged = structuredClone(record);
    const deployment = forged.documents.find(d => (d.value as any).kind === 'Deployment')!.value as any;
    deployment.spec.template.spec.containers[0].image = 'registry.example.com/demo/web:6.6.6';
    fs.writeFileSync(demoRecord(), recordText(forged));
    try {
      const believed = renderAndValidate(() => demoPlatform(charts(), DEMO_VALUES, ['registry.example.com/demo/web:6.6.6'])).renderings;
      expect(image(demoRendering(believed))).toBe('registry.example.com/demo/web:6.6.6');
      const chart = cachedChart('demo', forged.inputs, charts());
      expect(runHelm({ chart, release: 'demo', namespace: 'demo', values: forged.inputs.values, where: 'demo' })).not.toEqual(forged.documents);
    } finally {
      fs.writeFileSync(demoRecord(), recordText(record));
    }
  });

  it('refuses a record edited by hand and renders with Helm, saying why', () => {
    const text = fs.readFileSync(demoRecord(), 'utf8');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      for (const [edit, why] of [
        [text.replace('registry.example.com/demo/web:2.4.0', 'registry.example.com/demo/web:6.6.6'), 'its documents do not match their digest (edited by hand?)'],
        [text.replace('"replicaCount": 2', '"replicaCount": 3'), 'its key is not the hash of its inputs'],
        [text.slice(0, 200), 'not valid JSON'],
      ]) {
        expect(edit).not.toBe(text);
        fs.writeFileSync(demoRecord(), edit);
        const rendering = demoRendering(renderAndValidate(() => demoPlatform(charts())).renderings);
        expect(rendering.from).not.toBe('record');
        expect(image(rendering)).toBe('registry.example.com/demo/web:2.4.0');
        expect(stderr.mock.calls.map(c => String(c[0])).join('')).toContain(`${demoRecord()}: not used, ${why}`);
        stderr.mockClear();
      }
    } finally {
      stderr.mockRestore();
      fs.writeFileSync(demoRecord(), text);
    }
  });

  it('refuses two renderings of one release in one namespace with different values, naming both', () => {
    const { renderings } = renderAndValidate(() => demoPlatform(charts()));
    const twin = { ...demoRendering(renderings), key: 'another', where: 'demo/other-chart' };
    expect(syncRecords(root, renderings, true)).toMatchObject({ added: [], changed: [], removed: [] });
    expect(() => syncRecords(root, [...renderings, twin], true)).toThrow('demo/other-chart: renders release demo of chart demo in namespace demo, as demo/chart does with other values; give one of them another releaseName');
  });
});
