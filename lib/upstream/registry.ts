import type { IConstruct } from 'constructs';
import { Platform } from '../platform/platform';
import type { ChartReference } from './chart-cache';

/**
 * What the apps take from upstream (Helm charts, plain YAML), declared by their constructs for the
 * report, the synth summary and argocd/: a chart Argo CD renders gets an Application there.
 */

/** One upstream source of an app's objects. */
export interface UpstreamSource {
  readonly app: string;
  readonly namespace: string;
  /** `chart app-template 4.1.1 (https://...)`, `YAML charts/manifests/whoami`. */
  readonly description: string;
  /** `synth`: in dist/ and every check; `argocd`: rendered in the cluster, unseen. */
  readonly renderedBy: 'synth' | 'argocd';
  /** Objects synthesis rendered from it. */
  readonly objects: number;
  /** The construct that declared it. */
  readonly declaredBy: string;
  /** The pinned chart, when the source is a Helm chart (whoever renders it). */
  readonly chart?: ChartReference;
}

/** A chart Argo CD renders in the cluster: synthesis never sees its objects. */
export interface ArgoRenderedChart extends ChartReference {
  /** Name of its Argo CD Application (`<app>-<construct id>`). */
  readonly name: string;
  readonly app: string;
  readonly category: string;
  readonly namespace: string;
  readonly releaseName: string;
  readonly values: Record<string, unknown>;
  readonly declaredBy: string;
}

const KEY = Symbol('platform.upstream');

interface Upstream {
  readonly sources: UpstreamSource[];
  readonly argoCharts: ArgoRenderedChart[];
}

function registry(scope: IConstruct): Upstream {
  return Platform.of(scope).declarations.extension(KEY, (): Upstream => ({ sources: [], argoCharts: [] }));
}

export function declareUpstreamSource(scope: IConstruct, source: UpstreamSource): void {
  Platform.of(scope).declarations._checkOpen(scope, `upstream source ${source.description}`);
  registry(scope).sources.push(source);
}

export function declareArgoRenderedChart(scope: IConstruct, chart: ArgoRenderedChart): void {
  Platform.of(scope).declarations._checkOpen(scope, `chart ${chart.chart}`);
  registry(scope).argoCharts.push(chart);
}

/** Every upstream source, by app then declaring construct. */
export function upstreamSources(scope: IConstruct): UpstreamSource[] {
  return [...registry(scope).sources].sort((a, b) => a.app.localeCompare(b.app) || a.declaredBy.localeCompare(b.declaredBy));
}

/** Every pinned upstream Helm chart the apps declare, rendered at synth time or by Argo CD (what Renovate keeps current). */
export function upstreamCharts(scope: IConstruct): (ChartReference & { readonly declaredBy: string })[] {
  return upstreamSources(scope).flatMap(s => (s.chart ? [{ ...s.chart, declaredBy: s.declaredBy }] : []));
}

/** Every chart Argo CD renders, by Application name. */
export function argoRenderedCharts(scope: IConstruct): ArgoRenderedChart[] {
  return [...registry(scope).argoCharts].sort((a, b) => a.name.localeCompare(b.name));
}

/** Argo CD names OCI Helm repositories without the scheme (`ghcr.io/org/charts`). */
export function argoRepoURL(repository: string): string {
  return repository.replace(/^oci:\/\//, '');
}

/** One line per Argo-rendered chart saying what synthesis could not check in it. */
export function unseenChartNotes(scope: IConstruct): string[] {
  return argoRenderedCharts(scope).map(c => `not validated: chart ${c.chart} ${c.version} of app ${c.app} (${c.declaredBy}) is rendered by Argo CD, so synthesis saw none of its objects: not validated, not counted in quota ${c.namespace} or the budget, and its pods get only default-deny and DNS`);
}

/** The report's section on upstream sources. */
export function upstreamSection(scope: IConstruct): string[] {
  const sources = upstreamSources(scope);
  if (!sources.length) return [];
  return [
    '',
    '## Upstream charts and manifests',
    '',
    'Objects taken from upstream Helm charts and plain YAML. Those rendered by synth are in the app\'s folder and went through',
    'every check above: validated, counted in the app\'s quota and the budget, closed by the NetworkPolicies. Those Argo CD',
    'renders were not seen by synthesis: not validated, not counted, and their pods get only default-deny and DNS.',
    '',
    '| app | source | rendered by | objects |',
    '| --- | --- | --- | ---: |',
    ...sources.map(s => (s.renderedBy === 'synth'
      ? `| ${s.app} | ${s.description} | synth | ${s.objects} |`
      : `| ${s.app} | ${s.description} | Argo CD | **not seen by synthesis** |`)),
  ];
}
