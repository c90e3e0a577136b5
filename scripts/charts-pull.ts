/**
 * `npm run charts:pull`: fills the chart cache (vendor/charts/) with every chart the platform's
 * HelmChart constructs name and the cache lacks, with `helm pull` (needs network; synthesis never
 * does). `-- --from <folder> --repository <url>` vendors an unpacked chart you already have instead.
 * Exit codes: 0 every chart cached; 2 a chart could not be pulled or the platform is invalid.
 */
import * as path from 'node:path';
import { buildPlatform } from '../charts/platform';
import { PlatformError } from '../lib/errors';
import { REPO_ROOT } from '../lib/paths';
import { buildPlatformChecked } from '../lib/synth/build';
import { CHART_CACHE_DIR, ChartNotCached, chartFolderName, relativeToRepo } from '../lib/upstream/chart-cache';
import { addToCache, chartMetadata, pullChart } from '../lib/upstream/chart-pull';

const USAGE = 'usage: npm run charts:pull [-- --from <chart folder> --repository <https:// or oci:// URL>]';

function vendor(from: string, repository: string): void {
  if (!/^(https?|oci):\/\/\S+$/.test(repository)) throw new PlatformError(`--repository: "${repository}" is not a chart repository URL (https://... or oci://...)`);
  const dir = path.resolve(from);
  const { name, version } = chartMetadata(dir);
  const entry = addToCache(path.join(REPO_ROOT, CHART_CACHE_DIR), { repository, chart: name, version }, dir);
  console.log(`vendored ${name} ${version} (${repository}) from ${from} into ${CHART_CACHE_DIR}/${chartFolderName(entry)} (${entry.digest})`);
}

function pullMissing(): void {
  const pulled = new Set<string>();
  for (;;) {
    try {
      const platform = buildPlatformChecked(buildPlatform);
      console.log(`every chart of the platform's ${platform.apps.length} apps is in the cache${pulled.size ? ` (pulled ${pulled.size})` : ''}`);
      return;
    } catch (error) {
      if (!(error instanceof ChartNotCached)) throw error;
      const key = `${error.reference.repository} ${chartFolderName(error.reference)}`;
      if (pulled.has(key)) throw new PlatformError(`${key}: still missing after pulling it into ${relativeToRepo(error.cacheDir)}`);
      pulled.add(key);
      pullChart(error.cacheDir, error.reference);
    }
  }
}

function main(argv: string[]): number {
  const from = argv.indexOf('--from');
  const repo = argv.indexOf('--repository');
  try {
    if (from >= 0 || repo >= 0) {
      if (from < 0 || repo < 0 || !argv[from + 1] || !argv[repo + 1] || argv.length !== 4) {
        console.error(`--from and --repository go together; ${USAGE}`);
        return 2;
      }
      vendor(argv[from + 1], argv[repo + 1]);
    } else if (argv.length) {
      console.error(`unexpected argument ${argv[0]}; ${USAGE}`);
      return 2;
    } else {
      pullMissing();
    }
    return 0;
  } catch (error) {
    if (error instanceof PlatformError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
}

process.exitCode = main(process.argv.slice(2));
