/** The line of charts/platform.ts above which `npm run new-app` adds each new app chart. */
export const REGISTRY_MARKER = '// npm run new-app adds app charts above this line.';

/**
 * charts/platform.ts with the chart of a new app imported and listed in `PLATFORM_APPS`, just
 * above REGISTRY_MARKER; throws when the marker is missing.
 */
export function registerApp(source: string, name: string, className: string): string {
  const lines = source.split('\n');
  const marker = lines.findIndex(l => l.trim() === REGISTRY_MARKER);
  if (marker < 0) throw new Error(`charts/platform.ts: has no line "${REGISTRY_MARKER}"; put it at the end of PLATFORM_APPS`);
  const indent = lines[marker].slice(0, lines[marker].indexOf('//'));
  lines.splice(marker, 0, `${indent}platform => new ${className}(platform),`);
  const lastImport = lines.reduce((last, l, i) => (l.startsWith('import ') ? i : last), -1);
  lines.splice(lastImport + 1, 0, `import { ${className} } from './${name}';`);
  return lines.join('\n');
}

/** The line that closes IMAGES in lib/images.ts, above which `npm run new-app` adds an app's pin. */
export const IMAGES_END = '} as const;';

/**
 * lib/images.ts with the pin of a new app's image added at the end of IMAGES, where Renovate finds
 * it; throws when the key is taken or the file has no end of IMAGES.
 */
export function registerImage(source: string, key: string, image: string, app: string): string {
  const lines = source.split('\n');
  const end = lines.findIndex(l => l === IMAGES_END);
  if (end < 0) throw new Error(`lib/images.ts: has no line "${IMAGES_END}" closing IMAGES`);
  if (lines.slice(0, end).some(l => l.trimStart().startsWith(`${key}:`))) throw new Error(`lib/images.ts: IMAGES already has a pin named ${key}; choose another app name, or edit that pin`);
  lines.splice(end, 0, `  /** ${app}, added by \`npm run new-app\`. */`, `  ${key}: '${image}',`);
  return lines.join('\n');
}
