import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { fail } from '../errors';
import { parseImage } from '../k8s/image';
import { assertDnsLabel } from '../k8s/names';
import { AppChart } from '../platform/app-chart';
import { REPO_ROOT } from '../paths';
import { declareArgoRenderedChart, declareUpstreamSource } from './registry';
import { CHART_CACHE_DIR, CachedChart, cachedChart, isPinnedVersion } from './chart-cache';
import { ChartWorkloadOptions, RenderedWorkload, findWorkload, workloadManifests } from './chart-workload';
import { validateChartValues } from './chart-values';
import { hydrate } from './hydrate';
import { pinName, pinSuggestion, unpinnedImages } from './image-pins';
import { helmTemplate } from './helm-template';
import type { HelmRendering } from './rendering';
import { ManifestPatches, applyPatches } from './manifest-patches';

/** Who renders the chart's templates. */
export type ChartRenderer = 'synth' | 'argocd';

export interface HelmChartProps<V extends object = Record<string, unknown>> {
  /** The chart repository: `https://...` (a Helm repository) or `oci://registry/path`. */
  readonly repository: string;
  /** The chart's name in that repository. */
  readonly chart: string;
  /** The exact chart version (no range); bumping it shows every changed object in `npm run diff`. */
  readonly version: string;
  /**
   * Helm values, typed by the caller (`HelmChart<MyValues>`); checked against the chart's
   * `values.schema.json` where it has one.
   * @default {}
   */
  readonly values?: V;
  /**
   * The Helm release name, which most charts prefix their objects' names with.
   * @default the app name
   */
  readonly releaseName?: string;
  /**
   * `synth`: rendered by a pinned `helm template` at synth time, every object in dist/ and through
   * every check. `argocd`: an Argo CD Application renders it in the cluster; synthesis sees nothing
   * of it (no validation, quota, policies beyond default-deny, or report of its objects).
   * @default 'synth'
   */
  readonly renderedBy?: ChartRenderer;
  /**
   * What the platform changes in the rendered objects that the chart's values cannot (a readiness
   * probe it lacks, objects left out); each patch must apply to something.
   * @default {}
   */
  readonly patches?: ManifestPatches;
  /**
   * Pinned images the values set (take them from lib/images.ts with `imageValues()`). Every image
   * the chart renders must be one of these, another pin of lib/images.ts, or the chart's own image
   * at its appVersion (pinned with the chart's version): synthesis refuses any other, naming its template.
   * @default []
   */
  readonly images?: string[];
  /**
   * The chart cache folder, relative to the repository.
   * @default CHART_CACHE_DIR (`vendor/charts`)
   */
  readonly cacheDir?: string;
}

const REPOSITORY = /^(https?|oci):\/\/[^\s/]+(\/[^\s]*)?$/;

/** The appVersion of a cached chart's Chart.yaml: the version of the software it ships. */
function chartAppVersion(dir: string): string | undefined {
  const chartYaml = parse(fs.readFileSync(path.join(dir, 'Chart.yaml'), 'utf8')) as { appVersion?: unknown } | null;
  return chartYaml?.appVersion === undefined ? undefined : String(chartYaml.appVersion);
}

/**
 * An app's objects from an upstream Helm chart, pinned. By default synthesis renders it (hydrates
 * it) from the repository's chart cache with the pinned Helm (`tools/helm`), so its objects are
 * written one per file into the app's folder with the app's namespace and labels, validated,
 * counted in quota and report, and closed by NetworkPolicies but for what `workload(name)`
 * declares. A chart rendering CRDs or cluster-wide RBAC is refused: it is an operator.
 * @see https://helm.sh/docs/helm/helm_template/
 */
export class HelmChart<V extends object = Record<string, unknown>> extends Construct {
  public readonly repository: string;
  public readonly chart: string;
  public readonly version: string;
  public readonly releaseName: string;
  public readonly renderedBy: ChartRenderer;
  public readonly values: V;
  /** The rendered objects (none when Argo CD renders the chart). */
  public readonly objects: ApiObject[];
  /** The cached chart it was rendered from (undefined when Argo CD renders it). */
  public readonly source?: CachedChart;
  /** Its rendering, with the inputs it is a function of (undefined when Argo CD renders it). */
  public readonly rendering?: HelmRendering;
  private readonly workloads = new Map<string, RenderedWorkload>();

  constructor(scope: Construct, id: string, props: HelmChartProps<V>) {
    super(scope, id);
    const app = AppChart.of(this);
    if (!REPOSITORY.test(props.repository)) fail(this, 'repository', `"${props.repository}" is not a chart repository URL (https://... or oci://...)`);
    this.repository = props.repository;
    this.chart = assertDnsLabel(this, 'chart', props.chart);
    if (!isPinnedVersion(props.version)) fail(this, 'version', `"${props.version}" is not one exact version (e.g. 4.1.1); pin the chart, ranges move under the diff`);
    this.version = props.version;
    this.releaseName = assertDnsLabel(this, 'releaseName', props.releaseName ?? app.appName);
    this.renderedBy = props.renderedBy ?? 'synth';
    if (this.renderedBy !== 'synth' && this.renderedBy !== 'argocd') fail(this, 'renderedBy', `must be "synth" or "argocd" (got "${String(this.renderedBy)}")`);
    this.values = props.values ?? ({} as V);
    const values = this.values as Record<string, unknown>;
    const reference = { repository: this.repository, chart: this.chart, version: this.version };

    if (this.renderedBy === 'argocd') {
      declareArgoRenderedChart(this, {
        ...reference, name: `${app.appName}-${id}`, app: app.appName, category: app.category, namespace: app.namespace,
        releaseName: this.releaseName, values, declaredBy: this.node.path,
      });
      this.objects = [];
      declareUpstreamSource(this, { app: app.appName, namespace: app.namespace, description: this.description, renderedBy: 'argocd', objects: 0, declaredBy: this.node.path, chart: reference });
      return;
    }
    const where = this.node.path;
    const chart = cachedChart(where, reference, path.resolve(REPO_ROOT, props.cacheDir ?? CHART_CACHE_DIR));
    this.source = chart;
    this.rendering = helmTemplate({ chart, release: this.releaseName, namespace: app.namespace, values, where }, () => validateChartValues(where, chart, values));
    // Patches change the documents: they work on a copy, the rendering stays as Helm printed it.
    const { kept, problems } = applyPatches(structuredClone(this.rendering.documents), props.patches ?? {});
    if (problems.length) fail(this, 'patches', `chart ${this.chart} ${this.version}: ${problems.join('; ')}`);
    // Helm names a template `<chart>/templates/x.yaml` (`<chart>/charts/<dependency>/...`): a file of the cached folder.
    const sourceFile = (source: string) => `${chart.folder}/${source.split('/').slice(1).join('/')}`;
    this.objects = hydrate(this, kept, { where, origin: `chart ${this.chart} ${this.version}`, sourceFile });
    const given = new Set(props.images ?? []);
    const appVersion = chartAppVersion(chart.dir);
    const own = (image: string) => appVersion !== undefined && [appVersion, `v${appVersion}`, appVersion.replace(/^v/, '')].includes(parseImage(image).tag ?? '');
    const unpinned = unpinnedImages(kept, image => given.has(image) || own(image));
    if (unpinned.length) {
      fail(this, 'values', unpinned.map(u => `chart ${this.chart} ${this.version}, ${u.doc.source} (document ${u.doc.index}): container ${u.container} of ${u.owner} runs image ${u.image}, which is neither a pin of lib/images.ts nor the chart's own image at its appVersion (${appVersion ?? 'none'}), so Renovate never updates it; add it to lib/images.ts (${pinSuggestion(u.image)}), set it through the values with imageValues(IMAGES.${pinName(u.image)}) and list it in images`).join('; '));
    }
    declareUpstreamSource(this, { app: app.appName, namespace: app.namespace, description: this.description, renderedBy: 'synth', objects: this.objects.length, declaredBy: this.node.path, chart: reference });
  }

  /** `chart <name> <version> from <repository>`, for the report. */
  public get description(): string {
    return `chart \`${this.chart}\` ${this.version} from ${this.repository}`;
  }

  /**
   * A workload the chart renders, to declare its connections: by its rendered name
   * (`chart.workload('miniflux').connectsTo(postgres)`), or by the component or controller label
   * of exactly one workload (`chart.workload('server')`). Fails listing the workloads there are.
   */
  public workload(name: string, options: ChartWorkloadOptions = {}): RenderedWorkload {
    if (this.renderedBy === 'argocd') {
      fail(this, `workload("${name}")`, 'Argo CD renders this chart, so synthesis cannot see its workloads to let their connections through; render it at synth time (renderedBy: "synth", the default) to declare connections');
    }
    const existing = this.workloads.get(name);
    if (existing) return existing;
    const manifest = findWorkload(workloadManifests(this.objects), name);
    if (typeof manifest === 'string') fail(this, `workload("${name}")`, `chart ${this.chart} ${this.version} ${manifest}`);
    const workload = new RenderedWorkload(this, `workload-${name}`, manifest, options);
    this.workloads.set(name, workload);
    return workload;
  }
}
