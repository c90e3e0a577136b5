/**
 * `npm run charts:types`: writes charts/values/<chart>-<version>.ts, the TypeScript types of the
 * values of every cached chart that has a values.schema.json (json-schema-to-typescript), so that
 * `HelmChart<...Values>` refuses a wrong value at the type check. Run it after `npm run charts:pull`;
 * test/chart-types.test.ts fails while a file is stale.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../lib/paths';
import { CHART_TYPES_DIR, allChartValuesTypes } from '../lib/upstream/chart-types';

async function main(): Promise<number> {
  const files = await allChartValuesTypes();
  const dir = path.join(REPO_ROOT, CHART_TYPES_DIR);
  fs.mkdirSync(dir, { recursive: true });
  for (const old of fs.readdirSync(dir)) if (!files.has(`${CHART_TYPES_DIR}/${old}`)) fs.rmSync(path.join(dir, old));
  for (const [file, source] of files) fs.writeFileSync(path.join(REPO_ROOT, file), source);
  console.log(`Wrote ${[...files.keys()].join(', ')}`);
  return 0;
}

main().then(code => { process.exitCode = code; }, error => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
