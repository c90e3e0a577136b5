import { PlatformError } from '../errors';

/**
 * A pinned image (`registry/repo:tag`, as in lib/images.ts) as the `{ repository, tag }` pair most
 * charts' values take, so a chart's image comes from the same pins as every construct's.
 */
export function imageValues(image: string): { repository: string; tag: string } {
  const slash = image.lastIndexOf('/');
  const colon = image.indexOf(':', slash + 1);
  if (colon < 0) throw new PlatformError(`image "${image}" has no tag; pin a version (lib/images.ts)`);
  return { repository: image.slice(0, colon), tag: image.slice(colon + 1) };
}
