import type { ObjectSource } from '../k8s/origin';
import type { PlatformModel } from './model';
import type { Manifest } from './manifest';

/** The chart an object belongs to, as the tools read it (lib/platform's PlatformChart is one). */
export interface ObjectChart {
  /** What the chart is, for the header of each file, e.g. `app blog (category apps)`. */
  readonly description: string;
  /** Its folder, e.g. `dist/apps/blog`. */
  readonly outputDir: string;
}

/** One object synthesis rendered, with the file it goes to and the construct that made it. */
export interface RenderedObject {
  /** Repository-relative path of its file, e.g. `dist/apps/blog/deployment-web.yaml`. */
  readonly file: string;
  /** Path of the construct that produced it, e.g. `blog/web/Deployment`. */
  readonly constructPath: string;
  readonly chart: ObjectChart;
  readonly manifest: Manifest;
  /** Where its content came from beyond the construct: a Helm template, a YAML file. */
  readonly origin?: string;
  /** The file (and line) of that YAML or template, which findings point at. */
  readonly source?: ObjectSource;
}

/** The model of what synthesis rendered, which the platform checks and the report read. */
export type RenderedModel = PlatformModel<RenderedObject>;
