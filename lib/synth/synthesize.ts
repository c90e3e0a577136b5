import { Platform } from '../platform/platform';
import { formatText } from '../validate/format';
import { ValidationReport, validateSubjects } from '../validate/validate';
import { SynthesisFailed, render } from './render';
import { WriteHooks, WriteResult, compareTrees, readTree, replaceTrees } from './writer';

/** The folders synthesis owns: replaced as a whole on every run. */
export const OUTPUT_DIRS = ['dist', 'argocd'];

export interface SynthesisOptions {
  /** Repository root, where dist/ and argocd/ live. */
  readonly root: string;
  /** Compare with what is on disk and write nothing. @default false */
  readonly check?: boolean;
  readonly hooks?: WriteHooks;
}

export interface SynthesisSummary {
  readonly apps: number;
  readonly objects: number;
  readonly files: number;
  readonly result: WriteResult;
  readonly validation: ValidationReport;
}

/**
 * Builds the platform, renders and validates every object in memory (schemas, references, Pod
 * Security, reliability), then replaces dist/ and argocd/ in one step. Any finding or exception
 * before the swap leaves both folders byte-identical.
 */
export function synthesize(build: () => Platform, options: SynthesisOptions): SynthesisSummary {
  const rendering = render(build());
  const validation = validateSubjects(rendering.objects);
  if (validation.errors.length) throw new SynthesisFailed(formatText({ ...validation, exempted: [] }).split('\n'));
  const result = options.check
    ? compareTrees(new Map(OUTPUT_DIRS.flatMap(dir => [...readTree(options.root, dir)])), rendering.files)
    : replaceTrees(options.root, OUTPUT_DIRS, rendering.files, options.hooks);
  return { apps: rendering.apps, objects: rendering.objects.length, files: rendering.files.size, result, validation };
}
