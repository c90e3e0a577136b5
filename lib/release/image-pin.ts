import { PlatformError } from '../errors';

/** Where the image pins live, relative to the repository root. */
export const IMAGES_FILE = 'lib/images.ts';

/** A release version as semantic-release computes it: `1.2.3`, optionally `-rc.1`. */
const VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/** The `IMAGES` key of a service: `url-shortener` -> `urlShortener`. */
export function imageKeyOf(service: string): string {
  if (!/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/.test(service)) {
    throw new PlatformError(`service ${JSON.stringify(service)}: not a kebab-case name (e.g. url-shortener)`);
  }
  return service.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The pin of `key` in the source of lib/images.ts: its line (1-based), image repository and tag. */
export function findPin(source: string, key: string): { line: number; repository: string; tag: string } {
  const lines = source.split('\n');
  const pattern = new RegExp(`^\\s*${key}: '([^'\\s]+):([^':@\\s]+)',\\s*$`);
  const found = lines.flatMap((text, i) => {
    const m = pattern.exec(text);
    return m ? [{ line: i + 1, repository: m[1], tag: m[2] }] : [];
  });
  if (found.length === 0) {
    throw new PlatformError(`${IMAGES_FILE}: no pin \`${key}: '<repository>:<tag>',\` (the IMAGES key of the service)`);
  }
  if (found.length > 1) {
    throw new PlatformError(`${IMAGES_FILE}:${found.map(f => f.line).join(',')}: ${key} is pinned more than once`);
  }
  return found[0];
}

/** The source of lib/images.ts with the tag of `key` set to `version`; only that line changes. */
export function rewritePin(source: string, key: string, version: string): string {
  if (!VERSION.test(version)) {
    throw new PlatformError(`version ${JSON.stringify(version)}: not a release version (e.g. 1.2.3)`);
  }
  const pin = findPin(source, key);
  const lines = source.split('\n');
  lines[pin.line - 1] = lines[pin.line - 1].replace(`'${pin.repository}:${pin.tag}'`, `'${pin.repository}:${version}'`);
  return lines.join('\n');
}
