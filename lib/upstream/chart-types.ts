import * as fs from 'node:fs';
import * as path from 'node:path';
import { compile } from 'json-schema-to-typescript';
import { REPO_ROOT } from '../paths';
import { CHART_CACHE_DIR, readChartIndex } from './chart-cache';

/*
 * TypeScript types of a chart's values, generated from its values.schema.json with
 * json-schema-to-typescript, so that `new HelmChart<AppTemplate411Values>(...)` refuses a wrong
 * value (`replicas: 'two'`) at the type check, before synthesis validates the values themselves.
 * `npm run charts:types` writes them into charts/values/; a test keeps them fresh.
 */

/** Where the generated types live, one file per cached chart that has a values schema. */
export const CHART_TYPES_DIR = 'charts/values';

const SCHEMA_FILE = 'values.schema.json';

/** `app-template` 4.1.1 -> `AppTemplate411Values`. */
export function valuesTypeName(chart: string, version: string): string {
  const words = `${chart} ${version.replace(/^v/, '')}`.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return `${words.map(w => w.charAt(0).toUpperCase() + w.slice(1)).join('')}Values`;
}

/** The chart folder and its unpacked dependencies, each with the `$id` base of its schema. */
function schemaBases(dir: string): Map<string, string> {
  const bases = new Map<string, string>();
  const visit = (folder: string) => {
    const file = path.join(folder, SCHEMA_FILE);
    if (fs.existsSync(file)) {
      const id = (JSON.parse(fs.readFileSync(file, 'utf8')) as { $id?: unknown }).$id;
      if (typeof id === 'string' && /^https?:\/\//.test(id)) bases.set(id.slice(0, id.lastIndexOf('/') + 1), folder);
    }
    const deps = path.join(folder, 'charts');
    if (fs.existsSync(deps)) for (const e of fs.readdirSync(deps, { withFileTypes: true })) if (e.isDirectory()) visit(path.join(deps, e.name));
  };
  visit(dir);
  return bases;
}

/**
 * The source of the types of a cached chart's values (`vendor/charts/<chart>-<version>`), or
 * undefined when it has no values.schema.json. References by URL to a schema of the chart or its
 * dependencies (app-template names its library's by its `$id`) are read from the chart's own files;
 * nothing is fetched.
 */
export async function chartValuesTypes(folder: string, chart: string, version: string): Promise<string | undefined> {
  const dir = path.resolve(REPO_ROOT, folder);
  const file = path.join(dir, SCHEMA_FILE);
  if (!fs.existsSync(file)) return undefined;
  const bases = schemaBases(dir);
  const local = (url: string) => {
    const bare = url.split('#')[0];
    for (const [base, where] of bases) if (bare.startsWith(base)) return path.join(where, bare.slice(base.length));
    return undefined;
  };
  // A schema that is only a reference (app-template's, to its library's) is that schema: read it in its place.
  let root = file;
  let schema = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  while (typeof schema.$ref === 'string' && Object.keys(schema).length === 1 && local(schema.$ref)) {
    root = local(schema.$ref)!;
    schema = JSON.parse(fs.readFileSync(root, 'utf8')) as Record<string, unknown>;
  }
  // Without $id and title, the type is named after the chart, not after the schema's URL.
  const { $id: _id, title: _title, ...rest } = schema;
  const name = valuesTypeName(chart, version);
  const body = await compile(rest as never, name, {
    cwd: path.dirname(root),
    bannerComment: '',
    additionalProperties: false,
    format: true,
    $refOptions: {
      resolve: {
        http: false,
        chart: {
          order: 1,
          canRead: (f: { url: string }) => /^https?:\/\//.test(f.url) && local(f.url) !== undefined,
          read: (f: { url: string }) => fs.readFileSync(local(f.url)!, 'utf8'),
        },
      },
    } as never,
  });
  return [
    `/**`,
    ` * The values of chart ${chart} ${version} (${folder}), generated from its ${SCHEMA_FILE} by`,
    ` * \`npm run charts:types\` (json-schema-to-typescript); do not edit. Use: \`new HelmChart<${name}>(...)\`.`,
    ` */`,
    '/* eslint-disable */',
    body.trimEnd(),
    '',
  ].join('\n');
}

/** Every cached chart with a values schema, and the file its types go to. */
export async function allChartValuesTypes(cacheDir = CHART_CACHE_DIR): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const index = readChartIndex(path.resolve(REPO_ROOT, cacheDir));
  for (const [folder, entry] of Object.entries(index).sort(([a], [b]) => a.localeCompare(b))) {
    const source = await chartValuesTypes(path.join(cacheDir, folder), entry.chart, entry.version);
    if (source !== undefined) out.set(`${CHART_TYPES_DIR}/${folder}.ts`, source);
  }
  return out;
}
