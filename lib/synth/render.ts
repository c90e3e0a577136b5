import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PlatformError } from '../errors';
import { isClusterScoped } from '../k8s/scope';
import type { Manifest } from '../model/manifest';
import type { RenderedObject } from '../model/rendered';
import { Platform } from '../platform/platform';
import { PlatformChart } from '../platform/platform-chart';
import { AppChart } from '../platform/app-chart';
import { PodSecurity } from '../platform/pod-security';
import { exemptionsOf } from '../rules/exemption';
import { RuleFinding, formatRuleFinding, platformFinding } from '../validate/finding';
// cdk8s's ApiObject.toJson, the same JSON faster, for every object from here on.
import './fast-to-json';
import { objectFile } from '../model/file-name';
import { originOf, sourceOf } from '../k8s/origin';
import { yamlBody, yamlComment } from './yaml';

export interface Rendering {
  readonly objects: RenderedObject[];
  /** File contents by repository-relative path, in path order. */
  readonly files: Map<string, string>;
  readonly apps: number;
}

/** Everything wrong with the platform, found before anything is written. */
export class SynthesisFailed extends PlatformError {
  constructor(public readonly findings: string[]) {
    super(`synthesis failed with ${findings.length} finding${findings.length === 1 ? '' : 's'}:\n  ${findings.join('\n  ')}`);
    this.name = 'SynthesisFailed';
  }
}

/** Drops `annotations: {}` left where every annotation resolved to nothing: minimal YAML. */
function pruneEmptyAnnotations(value: unknown): void {
  if (Array.isArray(value)) value.forEach(pruneEmptyAnnotations);
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const annotations = record.annotations;
    if (annotations && typeof annotations === 'object' && !Array.isArray(annotations) && Object.keys(annotations).length === 0) delete record.annotations;
    Object.values(record).forEach(pruneEmptyAnnotations);
  }
}

/** The file an object is written to: `<chart folder>/<kind>-<name>.yaml` (objectFile). */
export function fileFor(chart: PlatformChart, manifest: Manifest): string {
  return objectFile(chart.outputDir, manifest);
}

/** Findings cdk8s gathers from `node.addValidation`, each prefixed with its construct path. */
function constructValidations(all: IConstruct[]): string[] {
  return all.flatMap(c => c.node.validate().map(message => `${c.node.path}: ${message}`));
}

/** The naming conventions every rendered object must follow (the labels are the validator's standard-labels). */
function conventionFindings(object: ApiObject, manifest: Manifest, chart: PlatformChart, yaml: string): string[] {
  const path = object.node.path;
  const findings: RuleFinding[] = [];
  const hostAccess = [...exemptionsOf(manifest.metadata.annotations).keys()].filter(rule => rule.startsWith('pod-security.'));
  if (hostAccess.length && AppChart.isAppChart(chart) && chart.podSecurity === PodSecurity.RESTRICTED) {
    findings.push(platformFinding('exempt-in-restricted', `${path}: is exempt from ${hostAccess.join(', ')}, but namespace ${chart.namespace} enforces Pod Security "restricted", so the API server would refuse its pods; give app ${chart.appName} a PodSecurity level with the reason`));
  }
  if (manifest.metadata.name === Chart.of(object).generateObjectName(object)) {
    findings.push(platformFinding('construct-name', `${path}: metadata.name: not set; name objects after the app, never after the construct path`));
  }
  // Its YAML holds every key and value as written (JSON's escapes leave `/` alone), and is there already.
  if (yaml.includes('cdk8s.io/')) {
    findings.push(platformFinding('construct-labels', `${path}: carries a cdk8s.io/ label or annotation; selectors and names must not depend on construct paths`));
  }
  return findings.map(formatRuleFinding);
}

/**
 * Renders the whole platform in memory: runs the derive phase and every construct validation, turns each object into
 * its file, and refuses two objects that would share a file. Throws SynthesisFailed with all
 * findings at once; writes nothing.
 */
export function render(platform: Platform): Rendering {
  // Everything cross-cutting is derived now that every app chart exists.
  platform.derive();
  const all = platform.node.findAll();
  const findings = constructValidations(all);
  // Each object with its YAML, which the conventions read too.
  const written: { object: RenderedObject; yaml: string }[] = [];
  const byFile = new Map<string, RenderedObject>();

  for (const object of all.filter((c): c is ApiObject => c instanceof ApiObject)) {
    const chart = Chart.of(object);
    if (!PlatformChart.isPlatformChart(chart)) {
      findings.push(formatRuleFinding(platformFinding('chart-kind', `${object.node.path}: belongs to a chart that is neither an AppChart nor the GitOps chart, so it has no folder`)));
      continue;
    }
    const manifest = object.toJson() as Manifest;
    pruneEmptyAnnotations(manifest);
    if (isClusterScoped(manifest.apiVersion, manifest.kind)) delete manifest.metadata.namespace;
    const yaml = yamlBody(manifest);
    findings.push(...conventionFindings(object, manifest, chart, yaml));

    const source = sourceOf(object);
    const rendered = { file: fileFor(chart, manifest), constructPath: object.node.path, chart, manifest, origin: originOf(object), ...(source ? { source } : {}) };
    const clash = byFile.get(rendered.file);
    if (clash) {
      findings.push(formatRuleFinding(platformFinding('one-file-per-object', `${rendered.file}: written by both ${clash.constructPath} and ${rendered.constructPath}; give one of them another name`)));
      continue;
    }
    byFile.set(rendered.file, rendered);
    written.push({ object: rendered, yaml });
  }
  if (findings.length) throw new SynthesisFailed(findings);

  written.sort((a, b) => (a.object.file < b.object.file ? -1 : 1));
  const objects = written.map(w => w.object);
  const files = new Map(written.map(({ object: o, yaml }) => [o.file, yamlComment([
    `Generated by \`npm run synth\` from ${o.chart.description} (${o.constructPath}); do not edit.`,
    ...(o.origin ? [`Rendered from ${o.origin}.`] : []),
  ]) + yaml]));
  return { objects, files, apps: platform.apps.length };
}
