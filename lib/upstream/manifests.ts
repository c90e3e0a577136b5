import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fail } from '../errors';
import { assertPinnedImage, parseImage } from '../k8s/image';
import { REPO_ROOT } from '../paths';
import { ChartWorkloadOptions, RenderedWorkload, findWorkload, workloadManifests } from './chart-workload';
import { hydrate } from './hydrate';
import { AppChart } from '../platform/app-chart';
import { declareUpstreamSource } from './registry';
import { pinName, pinSuggestion, unpinnedImages } from './image-pins';
import { splitDocuments } from './helm-template';
import type { SourcedDocument } from './rendering';
import { ManifestPatches, applyPatches, moveSubjects } from './manifest-patches';

export interface ManifestsProps extends ManifestPatches {
  /**
   * A YAML file, or a folder whose `*.yaml` and `*.yml` files (not its subfolders) are read in
   * name order; relative to the repository.
   */
  readonly path: string;
  /**
   * Pinned images (from lib/images.ts) that replace, by repository, the image of every container
   * naming that repository, as kustomize's `images:` does; the YAML may then leave the tag out.
   * Every container must end up with one of these or another pin of lib/images.ts, where Renovate
   * keeps them current: synthesis refuses any other image, naming its file and line.
   * @default [] (every image of the YAML must then be a pin of lib/images.ts, as written)
   */
  readonly images?: string[];
}

/**
 * Plain Kubernetes YAML (vendored upstream manifests, or an object no construct covers) as objects
 * of the app, through the same pipeline as constructs: the app's namespace, the standard labels
 * where missing, one file per object, validation, quotas, report, and NetworkPolicies that let
 * through exactly what `workload(name)` declares. Errors name the file and the document.
 */
export class Manifests extends Construct {
  /** The files read, relative to the repository. */
  public readonly files: string[];
  public readonly objects: ApiObject[];
  private readonly workloads = new Map<string, RenderedWorkload>();

  constructor(scope: Construct, id: string, props: ManifestsProps) {
    super(scope, id);
    const absolute = path.resolve(REPO_ROOT, props.path);
    if (!fs.existsSync(absolute)) fail(this, 'path', `${props.path} does not exist (paths are relative to the repository)`);
    const files = fs.statSync(absolute).isDirectory()
      ? fs.readdirSync(absolute).filter(f => /\.ya?ml$/.test(f)).sort().map(f => path.join(absolute, f))
      : [absolute];
    if (!files.length) fail(this, 'path', `${props.path} holds no .yaml or .yml file`);
    this.files = files.map(f => path.relative(REPO_ROOT, f));
    const documents: SourcedDocument[] = [];
    for (const [i, file] of files.entries()) {
      try {
        documents.push(...splitDocuments(fs.readFileSync(file, 'utf8'), this.files[i]));
      } catch (error) {
        fail(this, 'path', (error as Error).message, error);
      }
    }
    if (!documents.length) fail(this, 'path', `${props.path} holds no Kubernetes object`);
    const { kept, problems } = applyPatches(documents, props);
    if (problems.length) fail(this, 'patches', `${props.path}: ${problems.join('; ')}`);
    for (const [i, image] of (props.images ?? []).entries()) {
      assertPinnedImage(this, `images[${i}]`, image);
      if (!kept.some(doc => setImage(doc.value, image))) fail(this, `images[${i}]`, `no container in ${props.path} runs an image of ${repositoryOf(image)}`);
    }
    const app = AppChart.of(this);
    if (props.sourceNamespace) moveSubjects(kept, props.sourceNamespace, app.namespace);
    this.objects = hydrate(this, kept, { where: this.node.path, origin: 'YAML', linesOfSource: true });
    const given = new Set(props.images ?? []);
    const unpinned = unpinnedImages(kept, image => given.has(image));
    if (unpinned.length) {
      fail(this, 'images', unpinned.map(u => `${u.doc.source}:${u.doc.line} (document ${u.doc.index}): container ${u.container} of ${u.owner} runs image ${u.image}, which is not a pin of lib/images.ts, so Renovate never updates it; add it there (${pinSuggestion(u.image)}) and list it here (images: [IMAGES.${pinName(u.image)}]), which sets it on every container of that repository`).join('; '));
    }
    declareUpstreamSource(this, { app: app.appName, namespace: app.namespace, description: `YAML \`${props.path}\``, renderedBy: 'synth', objects: this.objects.length, declaredBy: this.node.path });
  }

  /** A workload among the objects, by `metadata.name`, to declare its connections. */
  public workload(name: string, options: ChartWorkloadOptions = {}): RenderedWorkload {
    const existing = this.workloads.get(name);
    if (existing) return existing;
    const manifest = findWorkload(workloadManifests(this.objects), name);
    if (typeof manifest === 'string') fail(this, `workload("${name}")`, `${this.files.join(', ')} ${manifest}`);
    const workload = new RenderedWorkload(this, `workload-${name}`, manifest, options);
    this.workloads.set(name, workload);
    return workload;
  }
}

const repositoryOf = (image: string) => parseImage(image).repository;

/** Gives every container of a document's pod template running `image`'s repository that image; whether any did. */
function setImage(value: unknown, image: string): boolean {
  const spec = (value as { spec?: { template?: unknown; jobTemplate?: { spec?: { template?: unknown } } } } | null)?.spec;
  const template = (spec?.template ?? spec?.jobTemplate?.spec?.template) as { spec?: { containers?: { image?: string }[]; initContainers?: { image?: string }[] } } | undefined;
  let changed = false;
  for (const c of [...(template?.spec?.initContainers ?? []), ...(template?.spec?.containers ?? [])]) {
    if (c.image && repositoryOf(c.image) === repositoryOf(image)) {
      c.image = image;
      changed = true;
    }
  }
  return changed;
}
