/**
 * The file an object is written to: `<folder>/<kind>-<name>.yaml`, lowercase. Characters a name
 * may hold but a portable file name may not (RBAC names such as `cert-manager:leaderelection`)
 * become `_`.
 */
export function objectFile(folder: string, manifest: { kind: string; metadata: { name: string } }): string {
  const safe = (s: string) => s.toLowerCase().replace(/[^a-z0-9.-]/g, '_');
  return `${folder}/${safe(manifest.kind)}-${safe(manifest.metadata.name)}.yaml`;
}
