import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IConstruct } from 'constructs';
import { PlatformError } from '../errors';
import { CHART_CACHE_DIR } from './chart-cache';
import { HelmRendering, RenderingInputs, SourcedDocument, renderingKey } from './rendering';
import { VerifiedByStat } from '../verified-by-stat';

/**
 * Rendering records: the committed result of each `helm template` the platform runs, so that a
 * fresh clone synthesizes without building Helm. One pretty-printed JSON file per chart rendering,
 * in `renderings/` beside the chart cache (vendor/charts/renderings/), named after the release
 * (`<namespace>.<release>.<chart>.json`) so that a change of values or version shows in the diff
 * as a change of that file. Each holds the inputs its key is the hash of, the key, and the
 * documents with their digest; synthesis uses it only when every one of those agrees, and
 * test/helm-renderings.test.ts renders each again with the real Helm and compares.
 */
export const RECORDS_FOLDER = 'renderings';

/** What a record file holds. */
export interface RenderingRecord {
  readonly about: string;
  readonly key: string;
  readonly inputs: RenderingInputs;
  /** sha256 of the compact JSON of `documents`: a record edited by hand is not used. */
  readonly documentsDigest: string;
  readonly documents: SourcedDocument[];
}

/** The record file of a rendering of a chart from the chart cache `cacheDir`. */
export function renderingRecordFile(cacheDir: string, inputs: Pick<RenderingInputs, 'namespace' | 'release' | 'chart'>): string {
  return path.join(cacheDir, RECORDS_FOLDER, `${inputs.namespace}.${inputs.release}.${inputs.chart}.json`);
}

const digestOf = (documents: unknown) => `sha256:${createHash('sha256').update(JSON.stringify(documents)).digest('hex')}`;

const isDocument = (d: unknown): d is SourcedDocument => {
  const doc = d as SourcedDocument | null;
  return typeof doc === 'object' && doc !== null && typeof doc.source === 'string' && Number.isInteger(doc.index) && Number.isInteger(doc.line) && typeof doc.value === 'object' && doc.value !== null;
};

/** Why a parsed record file cannot be used; undefined when it is sound (whatever its key). */
export function recordProblem(record: Partial<RenderingRecord>): string | undefined {
  if (typeof record.key !== 'string' || typeof record.inputs !== 'object' || record.inputs === null) return 'has no key or inputs';
  if (renderingKey(record.inputs) !== record.key) return 'its key is not the hash of its inputs';
  if (!Array.isArray(record.documents) || !record.documents.every(isDocument)) return 'its documents are not a list of rendered objects';
  if (digestOf(record.documents) !== record.documentsDigest) return 'its documents do not match their digest (edited by hand?)';
  return undefined;
}

const SOUND_RECORDS = new VerifiedByStat<string | null>('rendering-records');

/**
 * The documents of the record `file` when it is the rendering of `key`; undefined when it is
 * missing, of other inputs (stale), or unsound, which is said on stderr: Helm then renders.
 */
export function readRecord(file: string, key: string): SourcedDocument[] | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let record: Partial<RenderingRecord>;
  try {
    record = JSON.parse(text) as Partial<RenderingRecord>;
  } catch (error) {
    process.stderr.write(`${file}: not used, not valid JSON (${(error as Error).message}); rendering with Helm\n`);
    return undefined;
  }
  if (record.key !== key) return undefined;
  // Hashing a record's documents again is needed only when the file changed since it was found sound.
  const problem = SOUND_RECORDS.get(file, [file], () => recordProblem(record) ?? null);
  if (problem) {
    process.stderr.write(`${file}: not used, ${problem}; rendering with Helm\n`);
    return undefined;
  }
  return record.documents;
}

/** The text of a rendering's record file: pretty-printed, so that a review reads what changed. */
export function recordText(rendering: Pick<HelmRendering, 'key' | 'inputs' | 'documents'>): string {
  const { inputs } = rendering;
  const record: RenderingRecord = {
    about: `helm template of chart ${inputs.chart} ${inputs.version} as release ${inputs.release} in namespace ${inputs.namespace}, with Helm ${inputs.helm.version} for Kubernetes ${inputs.kubeVersion}; written by npm run synth, rendered again with the real Helm and compared by npm test (test/helm-renderings.test.ts)`,
    key: rendering.key,
    inputs,
    documentsDigest: digestOf(rendering.documents),
    documents: rendering.documents,
  };
  // One space of indentation: a diff reads as well, and the files are a quarter smaller than with two.
  return `${JSON.stringify(record, null, 1)}\n`;
}

/** Records found in a construct tree: the rendering each HelmChart kept. */
export function renderingsOf(root: IConstruct): HelmRendering[] {
  const found: HelmRendering[] = [];
  for (const c of root.node.findAll()) {
    const rendering = (c as { rendering?: HelmRendering }).rendering;
    if (rendering && typeof rendering.key === 'string' && Array.isArray(rendering.documents)) found.push(rendering);
  }
  return found;
}

/** What bringing the records up to date changes, as repository-relative paths. */
export interface RecordChanges {
  readonly added: string[];
  readonly changed: string[];
  readonly removed: string[];
  readonly unchanged: number;
}

/**
 * Brings `<root>/vendor/charts/renderings/` to exactly the records of `renderings` of charts from
 * that cache (a test's platform from another cache leaves it alone), or, with `check`, only says
 * what that would change. A record read this time is up to date by its key; the others are
 * written. Two renderings of one release in one namespace are refused, naming both constructs.
 */
export function syncRecords(root: string, renderings: HelmRendering[], check: boolean): RecordChanges {
  const dir = path.join(root, CHART_CACHE_DIR, RECORDS_FOLDER);
  const wanted = new Map<string, HelmRendering>();
  for (const r of renderings.filter(r => path.dirname(r.recordFile) === dir)) {
    const other = wanted.get(r.recordFile);
    if (other && other.key !== r.key) {
      throw new PlatformError(`${r.where}: renders release ${r.inputs.release} of chart ${r.inputs.chart} in namespace ${r.inputs.namespace}, as ${other.where} does with other values; give one of them another releaseName`);
    }
    wanted.set(r.recordFile, r);
  }
  const relative = (file: string) => path.relative(root, file);
  const existing = fs.existsSync(dir) ? fs.readdirSync(dir).filter(f => f.endsWith('.json')).map(f => path.join(dir, f)) : [];
  const changes: RecordChanges = {
    added: [],
    changed: [],
    removed: existing.filter(f => !wanted.has(f)).map(relative).sort(),
    unchanged: 0,
  };
  for (const [file, rendering] of [...wanted].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (rendering.from === 'record') {
      (changes as { unchanged: number }).unchanged++;
      continue;
    }
    const text = recordText(rendering);
    const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    if (old === text) {
      (changes as { unchanged: number }).unchanged++;
      continue;
    }
    (old === undefined ? changes.added : changes.changed).push(relative(file));
    if (check) continue;
    fs.mkdirSync(dir, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, text);
    fs.renameSync(partial, file);
  }
  if (!check) for (const file of changes.removed) fs.rmSync(path.join(root, file));
  return changes;
}
