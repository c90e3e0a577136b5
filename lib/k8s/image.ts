import { IConstruct } from 'constructs';
import { fail } from '../errors';

/**
 * Throws unless `image` names a version: a tag other than `latest`, or a digest. A moving tag makes
 * the rendered YAML lie about what runs, and Argo CD never notices a new image behind it.
 */
export function assertPinnedImage(scope: IConstruct, field: string, image: string): string {
  const { tag, digest } = parseImage(image);
  if (digest !== undefined && /^sha256:[a-f0-9]{64}$/.test(digest)) return image;
  if (!tag) {
    fail(scope, field, `image "${image}" has no tag; pin a version, e.g. "${image}:1.2.3" (the platform's pins live in lib/images.ts)`);
  }
  if (tag === 'latest') {
    fail(scope, field, `image "${image}" is tagged latest; pin a version (the platform's pins live in lib/images.ts)`);
  }
  return image;
}

/** An image reference's parts: `registry/repo`, and the tag and digest where it has them. */
export function parseImage(image: string): { repository: string; tag?: string; digest?: string } {
  const at = image.indexOf('@');
  const base = at < 0 ? image : image.slice(0, at);
  // a colon before the last slash is a registry's port, not a tag
  const colon = base.indexOf(':', base.lastIndexOf('/') + 1);
  return {
    repository: colon < 0 ? base : base.slice(0, colon),
    ...(colon < 0 ? {} : { tag: base.slice(colon + 1) }),
    ...(at < 0 ? {} : { digest: image.slice(at + 1) }),
  };
}
