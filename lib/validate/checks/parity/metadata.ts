import { ValidationContext } from '../../context';
import { QUALIFIED_NAME } from './fields';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
// The API server's limits: all annotations of an object, and a ConfigMap's data.
const ANNOTATIONS_MAX_BYTES = 256 * 1024;
const CONFIGMAP_MAX_BYTES = 1024 * 1024;

function keyError(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return 'has a prefix that is not a DNS subdomain';
  if (name.length > 63 || !QUALIFIED_NAME.test(name)) return 'is not a qualified name (at most 63 alphanumerics, \'-\', \'_\' or \'.\', alphanumeric at both ends)';
  return undefined;
}

/** Annotation keys and total size; ConfigMap keys, no key in both data and binaryData, and total size. */
export function checkMetadataAndConfig(ctx: ValidationContext): void {
  for (const subject of ctx.index.objects) {
    const m = subject.manifest;
    const annotations: Record<string, string> = m.metadata?.annotations ?? {};
    let size = 0;
    for (const [key, value] of Object.entries(annotations)) {
      const error = keyError(key);
      if (error) ctx.report(subject, 'api.annotations', `metadata.annotations: key "${key}" ${error}`);
      size += Buffer.byteLength(key) + Buffer.byteLength(String(value));
    }
    if (size > ANNOTATIONS_MAX_BYTES) ctx.report(subject, 'api.annotations', `metadata.annotations: ${size} bytes in total, more than the ${ANNOTATIONS_MAX_BYTES} the API server accepts`);

    if (m.kind !== 'ConfigMap') continue;
    let bytes = 0;
    const config = m as { data?: Record<string, unknown>; binaryData?: Record<string, unknown> };
    for (const field of ['data', 'binaryData'] as const) {
      for (const [key, value] of Object.entries(config[field] ?? {})) {
        if (key.length > 253 || !CONFIG_KEY.test(key)) ctx.report(subject, 'api.configmap', `${field}: key "${key}" must consist of alphanumerics, '-', '_' or '.' (at most 253)`);
        if (field === 'binaryData' && config.data?.[key] !== undefined) ctx.report(subject, 'api.configmap', `binaryData: key "${key}" is also in data`);
        bytes += Buffer.byteLength(key) + (field === 'binaryData' ? Math.floor(String(value).length * 3 / 4) : Buffer.byteLength(String(value)));
      }
    }
    if (bytes > CONFIGMAP_MAX_BYTES) ctx.report(subject, 'api.configmap', `data: ${bytes} bytes in total, more than the ${CONFIGMAP_MAX_BYTES} (1 MiB) a ConfigMap may hold`);
  }
}
