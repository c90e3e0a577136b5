import type { Container } from '../model/kube';
import type { PodOf } from '../model/object-index';
import type { RenderedObject } from '../model/rendered';

/** A pod template of a rendered object, as the model indexes it. */
export type RenderedPod = PodOf<RenderedObject>;

/**
 * How a message names a field of a pod: as the prop a chart sets (`env.DATABASE_URL`), prefixed
 * with the container when the pod has several.
 */
export function fieldOf(pod: RenderedPod, container: Container, field: string): string {
  return pod.containers.length > 1 ? `container ${container.name}: ${field}` : field;
}

/** The construct that declared an object: its parent (`wiki/web` for `wiki/web/Deployment`). */
export function ownerPath(object: RenderedObject): string {
  return object.constructPath.slice(0, object.constructPath.lastIndexOf('/'));
}
