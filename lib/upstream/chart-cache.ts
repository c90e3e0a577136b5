import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PlatformError } from '../errors';
import { REPO_ROOT } from '../paths';
import { VerifiedByStat } from '../verified-by-stat';

/** Where an upstream chart comes from, pinned. */
export interface ChartReference {
  /** The chart repository: `https://...` (a Helm repository index) or `oci://registry/path`. */
  readonly repository: string;
  /** Name of the chart in that repository. */
  readonly chart: string;
  /** Its exact version (never a range). */
  readonly version: string;
}

/** The repository's chart cache: committed, filled by `npm run charts:pull`, read offline by synthesis. */
export const CHART_CACHE_DIR = 'vendor/charts';
/** What the cache holds: per folder, where it came from and the digest of its files. */
export const CHART_INDEX_FILE = 'index.json';
export const PULL_COMMAND = 'npm run charts:pull';

/** One entry of the cache's index, keyed by folder `<chart>-<version>`. */
export interface CachedChartEntry extends ChartReference {
  /** sha256 of the folder's files (`chartDigest`). */
  readonly digest: string;
}

/** A chart found in the cache. */
export interface CachedChart extends CachedChartEntry {
  /** Absolute path of its unpacked folder. */
  readonly dir: string;
  /** Its folder relative to the repository, for messages. */
  readonly folder: string;
}

/** A chart the cache lacks: `npm run charts:pull` catches this, pulls the chart and builds again. */
export class ChartNotCached extends PlatformError {
  constructor(message: string, public readonly reference: ChartReference, public readonly cacheDir: string) {
    super(message);
    this.name = 'ChartNotCached';
  }
}

const SEMVER = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** Whether a version is one exact release (no range, no `latest`). */
export function isPinnedVersion(version: string): boolean {
  return SEMVER.test(version);
}

/** The folder a chart is cached in. */
export function chartFolderName(ref: ChartReference): string {
  return `${ref.chart}-${ref.version}`;
}

/** Every file under `dir`, relative, sorted. */
function filesOf(dir: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap(e => (e.isDirectory() ? filesOf(dir, path.posix.join(prefix, e.name)) : [path.posix.join(prefix, e.name)]))
    .sort();
}

/** `sha256:<hex>` over the relative path and content of every file of an unpacked chart. */
export function chartDigest(dir: string): string {
  const hash = createHash('sha256');
  for (const file of filesOf(dir)) hash.update(file).update('\0').update(fs.readFileSync(path.join(dir, file))).update('\0');
  return `sha256:${hash.digest('hex')}`;
}

export function readChartIndex(cacheDir: string): Record<string, CachedChartEntry> {
  const file = path.join(cacheDir, CHART_INDEX_FILE);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, CachedChartEntry> : {};
}

export function writeChartIndex(cacheDir: string, index: Record<string, CachedChartEntry>): void {
  const sorted = Object.fromEntries(Object.keys(index).sort().map(k => [k, index[k]]));
  fs.writeFileSync(path.join(cacheDir, CHART_INDEX_FILE), `${JSON.stringify(sorted, null, 2)}\n`);
}

/** Repository-relative form of a path, for messages. */
export function relativeToRepo(p: string): string {
  const rel = path.relative(REPO_ROOT, p);
  return rel.startsWith('..') ? p : rel;
}

const CHART_DIGESTS = new VerifiedByStat<string>('chart-digests');

/**
 * The cached chart `ref`, checked against the index: it must be there, from the same repository,
 * with the files `npm run charts:pull` recorded. `where` names the construct for messages.
 */
export function cachedChart(where: string, ref: ChartReference, cacheDir: string): CachedChart {
  const folderName = chartFolderName(ref);
  const dir = path.join(cacheDir, folderName);
  const folder = relativeToRepo(dir);
  const entry = readChartIndex(cacheDir)[folderName];
  if (!entry || !fs.existsSync(path.join(dir, 'Chart.yaml'))) {
    throw new ChartNotCached(`${where}: chart ${ref.chart} ${ref.version} from ${ref.repository} is not in the chart cache (${folder}); run \`${PULL_COMMAND}\` where there is network, and commit ${relativeToRepo(cacheDir)}`, ref, cacheDir);
  }
  if (entry.repository !== ref.repository) {
    throw new PlatformError(`${where}: chart.repository: the cached ${folderName} comes from ${entry.repository}, not ${ref.repository}; fix the repository, or remove ${folder} and run \`${PULL_COMMAND}\``);
  }
  // Reading and hashing every file of the chart again is needed only when one of them changed.
  const digest = CHART_DIGESTS.get(dir, filesOf(dir).map(file => path.join(dir, file)), () => chartDigest(dir));
  if (digest !== entry.digest) {
    throw new PlatformError(`${where}: ${folder}: its files differ from what \`${PULL_COMMAND}\` recorded (${entry.digest}, now ${digest}); restore them (git checkout ${folder}), or remove the folder and pull it again`);
  }
  return { ...entry, dir, folder };
}
