import type { PlatformChart } from '../platform/platform-chart';
import type { ObjectSource } from '../k8s/origin';
import type { Manifest } from './manifest';

/** One object synthesis rendered, with the file it goes to and the construct that made it. */
export interface RenderedObject {
  /** Repository-relative path of its file, e.g. `dist/apps/blog/deployment-web.yaml`. */
  readonly file: string;
  /** Path of the construct that produced it, e.g. `blog/web/Deployment`. */
  readonly constructPath: string;
  readonly chart: PlatformChart;
  readonly manifest: Manifest;
  /** Where its content came from beyond the construct: a Helm template, a YAML file. */
  readonly origin?: string;
  /** The file (and line) of that YAML or template, which findings point at. */
  readonly source?: ObjectSource;
}
