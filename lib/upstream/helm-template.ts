import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { PlatformError } from '../errors';
import { ensureHelm, helmPin, platformCacheDir } from './helm-binary';
import type { CachedChart } from './chart-cache';
import { readRecord, renderingRecordFile } from './rendering-records';
import { HelmRendering, RenderingInputs, SourcedDocument, renderingKey } from './rendering';

/** The Kubernetes release charts render for: the one the control-plane tests run (test/cluster/VERSION). */
export const KUBE_VERSION = '1.36.3';

export interface TemplateRequest {
  readonly chart: CachedChart;
  readonly release: string;
  readonly namespace: string;
  readonly values: Record<string, unknown>;
  /** Names the construct in messages. */
  readonly where: string;
}

/** 1-based line of each offset, for offsets given in increasing order: one pass over the text. */
function lineCounter(text: string): (offset: number) => number {
  let at = 0;
  let line = 1;
  return offset => {
    for (let i = text.indexOf('\n', at); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
    at = Math.max(at, offset);
    return line;
  };
}

/**
 * Splits multi-document YAML into its documents, each with the file (or Helm template, from its
 * `# Source:` comment) and position it came from. Refuses YAML that does not parse, naming where.
 */
export function splitDocuments(text: string, file: string, sourceComments = false): SourcedDocument[] {
  // Parsing is most of the cost of a large file (Argo CD's install manifests): a file already
  // parsed is read back from the cache, keyed by its bytes and how it is split.
  const key = createHash('sha256').update(`${file}\0${sourceComments}\0`).update(text).digest('hex');
  const cached = readCacheEntry(path.join(platformCacheDir(), 'yaml-documents', `${key}.json`));
  if (cached) return cached;
  const documents = parseDocuments(text, file, sourceComments);
  writeCacheEntry(path.join(platformCacheDir(), 'yaml-documents', `${key}.json`), documents);
  return documents;
}

function parseDocuments(text: string, file: string, sourceComments: boolean): SourcedDocument[] {
  const documents: SourcedDocument[] = [];
  const counts = new Map<string, number>();
  const lineOf = lineCounter(text);
  for (const doc of parseAllDocuments(text)) {
    if (!('contents' in doc)) continue;
    const comment = `${doc.commentBefore ?? ''}\n${(doc.contents as { commentBefore?: string } | null)?.commentBefore ?? ''}`;
    // Helm names each template once, before its first document; the ones after it share it.
    const source = (sourceComments && (/Source: (\S+)/.exec(comment)?.[1] ?? documents.at(-1)?.source)) || file;
    const line = lineOf(doc.range[0]);
    if (doc.errors.length) {
      throw new PlatformError(`${source}: document ${(counts.get(source) ?? 0) + 1} (line ${line}): not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
    }
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    // Empty documents (a template whose condition is false, a trailing ---) are not counted.
    if (value === null || value === undefined) continue;
    const index = (counts.get(source) ?? 0) + 1;
    counts.set(source, index);
    documents.push({ source, index, line, value });
  }
  return documents;
}

/** What is cached for one rendering, or one parsed file: the documents, parsed. */
interface CachedDocuments {
  readonly documents: SourcedDocument[];
}

/** The documents of a cache entry (fresh objects on every call), or undefined when it is missing or damaged. */
function readCacheEntry(file: string): SourcedDocument[] | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const documents = (JSON.parse(text) as CachedDocuments).documents;
    return Array.isArray(documents) ? documents : undefined;
  } catch {
    // A damaged entry is made again.
    return undefined;
  }
}

function writeCacheEntry(file: string, documents: SourcedDocument[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, JSON.stringify({ documents } satisfies CachedDocuments));
  fs.renameSync(partial, file);
}

export function renderingInputs(request: TemplateRequest): RenderingInputs {
  const { chart } = request;
  const pin = helmPin();
  return {
    chart: chart.chart, version: chart.version, repository: chart.repository, digest: chart.digest,
    release: request.release, namespace: request.namespace, kubeVersion: KUBE_VERSION,
    helm: { version: pin.version, modules: pin.modules }, values: request.values,
  };
}

/**
 * `helm template` of a cached chart with the pinned Helm, run hermetically (its cache, config and
 * data homes in a temporary folder, no repository or cluster access). Its result is a function of
 * the inputs (`RenderingInputs`), so it is kept twice, by their hash: in the committed rendering
 * record beside the chart cache (`vendor/charts/renderings/`, written by `npm run synth` and checked
 * against the real Helm by `npm test`), and in `.cache/helm-renders/`. Only when neither holds the
 * key does Helm run (and is built first when missing), after `validate`, the values' check.
 */
export function helmTemplate(request: TemplateRequest, validate: () => void = () => {}): HelmRendering {
  const inputs = renderingInputs(request);
  const key = renderingKey(inputs);
  const recordFile = renderingRecordFile(path.dirname(request.chart.dir), inputs);
  const rendering = (documents: SourcedDocument[], from: HelmRendering['from']): HelmRendering => ({ key, inputs, documents, from, recordFile, where: request.where });
  const recorded = readRecord(recordFile, key);
  if (recorded) return rendering(recorded, 'record');
  const cacheFile = path.join(platformCacheDir(), 'helm-renders', `${key}.json`);
  const cached = readCacheEntry(cacheFile);
  if (cached) return rendering(cached, 'cache');
  // Only a miss validates the values: a record or an entry exists only for values that passed.
  validate();
  const documents = runHelm(request);
  writeCacheEntry(cacheFile, documents);
  return rendering(documents, 'helm');
}

/** `helm template` with the pinned Helm (built first when missing), parsed. */
export function runHelm(request: TemplateRequest): SourcedDocument[] {
  return parseDocuments(helmOutput(request), request.chart.folder, true);
}

function helmOutput(request: TemplateRequest): string {
  const helm = ensureHelm();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-helm-'));
  try {
    const valuesFile = path.join(home, 'values.json');
    fs.writeFileSync(valuesFile, JSON.stringify(request.values));
    const args = [
      'template', request.release, request.chart.dir,
      '--namespace', request.namespace,
      '--values', valuesFile,
      '--kube-version', KUBE_VERSION,
      // CRDs too, so that a chart installing them is refused rather than silently cut short.
      '--include-crds',
      '--skip-tests',
      // The values were validated against the chart's values.schema.json (chart-values.ts), offline;
      // Helm's own check would fetch the `$ref`s some schemas name over the network.
      '--skip-schema-validation',
    ];
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      HELM_CACHE_HOME: path.join(home, 'cache'),
      HELM_CONFIG_HOME: path.join(home, 'config'),
      HELM_DATA_HOME: path.join(home, 'data'),
      HELM_REGISTRY_CONFIG: path.join(home, 'config', 'registry.json'),
      HELM_REPOSITORY_CONFIG: path.join(home, 'config', 'repositories.yaml'),
      HELM_REPOSITORY_CACHE: path.join(home, 'cache', 'repository'),
      KUBECONFIG: path.join(home, 'kubeconfig'),
    };
    const run = spawnSync(helm, args, { env, encoding: 'utf8', maxBuffer: 1 << 28 });
    if (run.status !== 0) {
      const message = (run.stderr || run.error?.message || '').trim().split('\n').slice(0, 8).join('\n  ');
      throw new PlatformError(`${request.where}: helm template of ${request.chart.folder} failed: ${message}`);
    }
    return run.stdout;
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}
