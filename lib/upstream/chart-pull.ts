import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { PlatformError } from '../errors';
import { ensureHelm } from './helm-binary';
import { CachedChartEntry, ChartReference, chartDigest, chartFolderName, readChartIndex, relativeToRepo, writeChartIndex } from './chart-cache';

/** Puts an unpacked chart folder into the cache under `<chart>-<version>/` and records it in the index. */
export function addToCache(cacheDir: string, ref: ChartReference, unpacked: string): CachedChartEntry {
  const target = path.join(cacheDir, chartFolderName(ref));
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.cpSync(unpacked, target, { recursive: true });
  const entry = { ...ref, digest: chartDigest(target) };
  writeChartIndex(cacheDir, { ...readChartIndex(cacheDir), [chartFolderName(ref)]: entry });
  return entry;
}

/** The name and version a chart folder's Chart.yaml declares. */
export function chartMetadata(dir: string): { name: string; version: string } {
  const file = path.join(dir, 'Chart.yaml');
  if (!fs.existsSync(file)) throw new PlatformError(`${dir}: has no Chart.yaml; not a Helm chart`);
  const chart = parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
  if (!chart.name || !chart.version) throw new PlatformError(`${file}: has no name or version`);
  return { name: chart.name, version: String(chart.version) };
}

/**
 * `helm pull` of one chart from its repository (HTTP or OCI), unpacked into the cache. Helm runs
 * with its homes in a temporary folder: no repository configuration of the machine is read or kept.
 */
export function pullChart(cacheDir: string, ref: ChartReference): CachedChartEntry {
  const helm = ensureHelm();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-helm-pull-'));
  try {
    const out = path.join(home, 'out');
    const source = ref.repository.startsWith('oci://') ? [`${ref.repository.replace(/\/$/, '')}/${ref.chart}`] : [ref.chart, '--repo', ref.repository];
    const run = spawnSync(helm, ['pull', ...source, '--version', ref.version, '--untar', '--untardir', out], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home,
        HELM_CACHE_HOME: path.join(home, 'cache'), HELM_CONFIG_HOME: path.join(home, 'config'), HELM_DATA_HOME: path.join(home, 'data'),
        ...(process.env.HTTPS_PROXY ? { HTTPS_PROXY: process.env.HTTPS_PROXY } : {}),
      },
    });
    if (run.status !== 0) throw new PlatformError(`helm pull ${ref.chart} ${ref.version} from ${ref.repository} failed: ${(run.stderr || '').trim()}`);
    const unpacked = path.join(out, ref.chart);
    const found = chartMetadata(unpacked);
    if (found.version !== ref.version.replace(/^v/, '')) throw new PlatformError(`helm pull ${ref.chart}: got version ${found.version}, not ${ref.version}`);
    const entry = addToCache(cacheDir, ref, unpacked);
    process.stdout.write(`pulled ${ref.chart} ${ref.version} from ${ref.repository} into ${relativeToRepo(path.join(cacheDir, chartFolderName(ref)))} (${entry.digest})\n`);
    return entry;
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}
