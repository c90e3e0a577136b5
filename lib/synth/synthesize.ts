import { checkPlatform } from '../checks';
import { PlatformModel } from '../model';
import { Platform } from '../platform/platform';
import { architectureReport } from '../report/architecture';
import { secretsSection } from '../report/secrets';
import { formatRuleFinding } from '../validate/finding';
import { formatFinding } from '../validate/format';
import { ValidationReport, validateIndex } from '../validate/validate';
import type { HelmRendering } from '../upstream/rendering';
import { unseenChartNotes } from '../upstream/registry';
import { renderingsOf, syncRecords } from '../upstream/rendering-records';
import { buildPlatformChecked } from './build';
import { Rendering, SynthesisFailed, render } from './render';
import { OUTPUT_DIRS, REPORT_FILE } from './outputs';
import { WriteHooks, WriteResult, compareTrees, readTree, replaceTrees } from './writer';

export { OUTPUT_DIRS, REPORT_FILE } from './outputs';

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
  /** What the platform checks warn about (lib/checks), each naming its construct. */
  readonly warnings: string[];
}

/** Builds and renders the platform and validates every object; throws SynthesisFailed on errors. */
export function renderAndValidate(build: () => Platform): { rendering: Rendering; validation: ValidationReport; warnings: string[]; renderings: HelmRendering[] } {
  const platform = buildPlatformChecked(build);
  const rendering = render(platform);
  // One model of every rendered object, built once, serves the validator, the platform checks and
  // the report. argocd/ holds only Argo CD's Applications, ApplicationSets and AppProjects, which
  // run no pods and are no Service, route or policy, so they change no check nor the report.
  const model = new PlatformModel(rendering.objects, platform.capacity?.nodes ?? 1);
  const validation = validateIndex(model);
  const checks = checkPlatform(platform, model);
  const errors = [...validation.errors.map(formatFinding), ...checks.filter(f => f.severity === 'error').map(formatRuleFinding)];
  if (errors.length) throw new SynthesisFailed(errors);
  const report = architectureReport(platform, model);
  if (report.problems.length) throw new SynthesisFailed(report.problems.map(formatRuleFinding));
  rendering.files.set(REPORT_FILE, report.markdown + secretsSection(platform));
  // What synthesis could not see (charts Argo CD renders) is said in every summary.
  return { rendering, validation, warnings: [...checks.filter(f => f.severity === 'warning').map(formatRuleFinding), ...unseenChartNotes(platform)], renderings: renderingsOf(platform) };
}

/**
 * Builds the platform, renders and validates every object in memory (schemas, references, Pod
 * Security, reliability), then replaces dist/ and argocd/ in one step. Any finding or exception
 * before the swap leaves both folders byte-identical. The rendering records of the charts of
 * `root`'s chart cache (vendor/charts/renderings/) are brought up to date after it.
 */
export function synthesize(build: () => Platform, options: SynthesisOptions): SynthesisSummary {
  const { rendering, validation, warnings, renderings } = renderAndValidate(build);
  const trees = options.check
    ? compareTrees(new Map(OUTPUT_DIRS.flatMap(dir => [...readTree(options.root, dir)])), rendering.files)
    : replaceTrees(options.root, OUTPUT_DIRS, rendering.files, options.hooks);
  const records = syncRecords(options.root, renderings, options.check ?? false);
  // A record that changes is listed with the files; `unchanged` counts dist/ and argocd/ only.
  const result: WriteResult = {
    added: [...trees.added, ...records.added],
    changed: [...trees.changed, ...records.changed],
    removed: [...trees.removed, ...records.removed],
    unchanged: trees.unchanged,
  };
  return { apps: rendering.apps, objects: rendering.objects.length, files: rendering.files.size, result, validation, warnings };
}
