import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { PlatformError } from '../errors';
import { ensureHelm, helmPin, platformCacheDir } from './helm-binary';
import type { CachedChart } from './chart-cache';

/** The Kubernetes release charts render for: the one the control-plane tests run (test/cluster/VERSION). */
export const KUBE_VERSION = '1.36.3';

/** One object of a chart's output, and where it came from. */
export interface SourcedDocument {
  /** The template (`<chart>/templates/x.yaml`) or file it came from. */
  readonly source: string;
  /** 1-based position among the documents of that source. */
  readonly index: number;
  /** Line of the document in that source's output. */
  readonly line: number;
  readonly value: unknown;
}

export interface TemplateRequest {
  readonly chart: CachedChart;
  readonly release: string;
  readonly namespace: string;
  readonly values: Record<string, unknown>;
  /** Names the construct in messages. */
  readonly where: string;
}

/** JSON with keys sorted at every level: the same values always hash the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map(k => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Splits multi-document YAML into its documents, each with the file (or Helm template, from its
 * `# Source:` comment) and position it came from. Refuses YAML that does not parse, naming where.
 */
export function splitDocuments(text: string, file: string, sourceComments = false): SourcedDocument[] {
  const documents: SourcedDocument[] = [];
  const counts = new Map<string, number>();
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
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

/** What is cached for one rendering: the documents Helm printed, parsed. */
interface CachedRendering {
  readonly documents: SourcedDocument[];
}

/**
 * `helm template` of a cached chart with the pinned Helm, run hermetically (its cache, config and
 * data homes in a temporary folder, no repository or cluster access), and cached under
 * `.cache/helm-renders/` by a hash of the chart's digest, the release, namespace and values and
 * the Helm pin: only a change to one of those runs Helm again (and `validate`, the values' check).
 */
export function helmTemplate(request: TemplateRequest, validate: () => void = () => {}): SourcedDocument[] {
  const pin = helmPin();
  const key = createHash('sha256')
    .update(canonical({ helm: pin, kube: KUBE_VERSION, digest: request.chart.digest, release: request.release, namespace: request.namespace, values: request.values }))
    .digest('hex');
  const cacheDir = path.join(platformCacheDir(), 'helm-renders');
  const cacheFile = path.join(cacheDir, `${key}.json`);
  if (fs.existsSync(cacheFile)) {
    try {
      return (JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as CachedRendering).documents;
    } catch {
      // A damaged entry is rendered again below.
    }
  }
  // Only a miss validates the values: an entry exists only for values that passed.
  validate();
  const documents = runHelm(request);
  fs.mkdirSync(cacheDir, { recursive: true });
  const partial = `${cacheFile}.${process.pid}.tmp`;
  fs.writeFileSync(partial, JSON.stringify({ documents } satisfies CachedRendering));
  fs.renameSync(partial, cacheFile);
  return documents;
}

function runHelm(request: TemplateRequest): SourcedDocument[] {
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
    return splitDocuments(run.stdout, request.chart.folder, true);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}
