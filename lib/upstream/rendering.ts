import { createHash } from 'node:crypto';

// What a chart's rendering is and how it is keyed: shared by helm-template.ts, which makes
// renderings, and rendering-records.ts, which keeps them.

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

/** JSON with keys sorted at every level: the same values always hash the same. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map(k => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * What a chart's rendering is a function of; the rendering's key is a hash of them. The chart's
 * name, version and repository are there for the reader (its digest covers its files).
 */
export interface RenderingInputs {
  readonly chart: string;
  readonly version: string;
  readonly repository: string;
  /** sha256 of the chart's files, as vendor/charts/index.json records it. */
  readonly digest: string;
  readonly release: string;
  readonly namespace: string;
  readonly kubeVersion: string;
  /** The pinned Helm: its version and the hash of tools/helm's go.mod and go.sum. */
  readonly helm: { readonly version: string; readonly modules: string };
  readonly values: Record<string, unknown>;
}

/** A chart's rendering, and where it came from this time. */
export interface HelmRendering {
  /** sha256 of the canonical JSON of the inputs. */
  readonly key: string;
  readonly inputs: RenderingInputs;
  /** The objects Helm printed, parsed; fresh objects, which the caller may change. */
  readonly documents: SourcedDocument[];
  /**
   * `record`: the committed rendering record (vendor/charts/renderings/); `cache`: this machine's
   * .cache/helm-renders/; `helm`: the pinned Helm ran.
   */
  readonly from: 'record' | 'cache' | 'helm';
  /** The record file of this rendering, beside the chart cache. */
  readonly recordFile: string;
  /** Names the construct, for messages. */
  readonly where: string;
}

export function renderingKey(inputs: RenderingInputs): string {
  return createHash('sha256').update(canonical(inputs)).digest('hex');
}
