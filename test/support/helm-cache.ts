import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { helmBinaryPath } from '../../lib/upstream/helm-binary';

/**
 * Makes `cache()` (created by then) the PLATFORM_CACHE_DIR of the file's tests, holding nothing but
 * a link to the pinned Helm: renderings start empty and no Helm is built. Restored after the file.
 */
export function useHelmOnlyCache(cache: () => string): void {
  const previous = process.env.PLATFORM_CACHE_DIR;
  beforeAll(() => {
    const helm = path.dirname(helmBinaryPath());
    fs.mkdirSync(path.join(cache(), 'helm'), { recursive: true });
    fs.symlinkSync(helm, path.join(cache(), 'helm', path.basename(helm)));
    process.env.PLATFORM_CACHE_DIR = cache();
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.PLATFORM_CACHE_DIR;
    else process.env.PLATFORM_CACHE_DIR = previous;
  });
}
