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
