import Ajv, { AnySchemaObject, ErrorObject } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PlatformError } from '../errors';
import type { CachedChart } from './chart-cache';

const SCHEMA_FILE = 'values.schema.json';

/** The chart folder and its unpacked dependencies (`charts/*`), each with its own files. */
function chartFolders(dir: string): string[] {
  const sub = path.join(dir, 'charts');
  const deps = fs.existsSync(sub) ? fs.readdirSync(sub, { withFileTypes: true }).filter(e => e.isDirectory()).map(e => path.join(sub, e.name)) : [];
  return [dir, ...deps.flatMap(chartFolders)];
}

function jsonFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap(e => {
    const rel = path.posix.join(prefix, e.name);
    if (e.isDirectory()) return e.name === 'charts' && !prefix ? [] : jsonFiles(dir, rel);
    return e.name.endsWith('.json') ? [rel] : [];
  });
}

function compilerFor(schema: AnySchemaObject): Ajv {
  const draft = String(schema.$schema ?? '');
  const options = { strict: false, allErrors: true, validateFormats: false, validateSchema: false } as const;
  if (draft.includes('2020-12')) return new Ajv2020(options);
  if (draft.includes('2019-09')) return new Ajv2019(options);
  return new Ajv(options);
}

function describe(e: ErrorObject): string {
  const at = e.instancePath ? `values${e.instancePath.replace(/\/([^/]+)/g, (_, k: string) => (/^\d+$/.test(k) ? `[${k}]` : `.${k}`))}` : 'values';
  const extra = e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})`
    : e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.map(v => JSON.stringify(v)).join(', ')})` : '';
  return `${at}: ${e.message}${extra}`;
}

/**
 * Validates `values` against the chart's `values.schema.json`, where it has one, as Helm would,
 * but offline: schemas that `$ref` others by URL (app-template's names the `common` library's by
 * its `$id`) are resolved from the files of the chart and its dependencies. A schema naming a
 * document outside the chart is refused, naming it. Returns nothing; throws naming each bad value.
 */
export function validateChartValues(where: string, chart: CachedChart, values: Record<string, unknown>): void {
  const rootFile = path.join(chart.dir, SCHEMA_FILE);
  if (!fs.existsSync(rootFile)) return;
  const root = JSON.parse(fs.readFileSync(rootFile, 'utf8')) as AnySchemaObject;
  const ajv = compilerFor(root);
  // Every JSON document of a chart whose schema has an `$id` is addressable under that id's folder.
  for (const folder of chartFolders(chart.dir)) {
    const file = path.join(folder, SCHEMA_FILE);
    if (folder === chart.dir || !fs.existsSync(file)) continue;
    const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as AnySchemaObject;
    const id = typeof schema.$id === 'string' ? schema.$id : undefined;
    if (!id) continue;
    const base = id.slice(0, id.lastIndexOf('/') + 1);
    for (const rel of jsonFiles(folder)) {
      const doc = rel === SCHEMA_FILE ? schema : JSON.parse(fs.readFileSync(path.join(folder, rel), 'utf8')) as AnySchemaObject;
      const docId = typeof doc.$id === 'string' ? doc.$id : `${base}${rel}`;
      if (!ajv.getSchema(docId)) ajv.addSchema({ ...doc, $id: docId });
    }
  }
  let validate;
  try {
    validate = ajv.compile(root);
  } catch (error) {
    throw new PlatformError(`${where}: ${chart.folder}/${SCHEMA_FILE}: cannot be compiled offline: ${(error as Error).message}`);
  }
  if (validate(values)) return;
  const problems = [...new Set((validate.errors ?? []).map(describe))];
  throw new PlatformError(`${where}: values do not match ${chart.folder}/${SCHEMA_FILE}:\n  ${problems.slice(0, 10).join('\n  ')}${problems.length > 10 ? `\n  ... and ${problems.length - 10} more` : ''}`);
}
