import { IConstruct } from 'constructs';
import { fail } from '../errors';

/**
 * Throws unless `image` names a version: a tag other than `latest`, or a digest. A moving tag makes
 * the rendered YAML lie about what runs, and Argo CD never notices a new image behind it.
 */
export function assertPinnedImage(scope: IConstruct, field: string, image: string): string {
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return image;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  if (colon < 0 || colon === lastSegment.length - 1) {
    fail(scope, field, `image "${image}" has no tag; pin a version, e.g. "${image}:1.2.3" (the platform's pins live in lib/images.ts)`);
  }
  if (lastSegment.slice(colon + 1) === 'latest') {
    fail(scope, field, `image "${image}" is tagged latest; pin a version (the platform's pins live in lib/images.ts)`);
  }
  return image;
}
