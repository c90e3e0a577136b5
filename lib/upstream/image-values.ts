import { PlatformError } from '../errors';
import { parseImage } from '../k8s/image';

/**
 * A pinned image (`registry/repo:tag`, as in lib/images.ts) as the `{ repository, tag }` pair most
 * charts' values take, so a chart's image comes from the same pins as every construct's.
 */
export function imageValues(image: string): { repository: string; tag: string } {
  const { repository, tag } = parseImage(image);
  if (!tag) throw new PlatformError(`image "${image}" has no tag; pin a version (lib/images.ts)`);
  return { repository, tag };
}
