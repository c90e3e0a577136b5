import { ValidationContext } from '../../context';

// A lowercase DNS-1123 subdomain with at least one letter in it (an IP address is refused).
const HOST = /^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const PATH_TYPES = new Set(['Exact', 'Prefix', 'ImplementationSpecific']);
// Sequences the API server refuses in Exact and Prefix paths.
const INVALID_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_SUFFIXES = ['/..', '/.'];

/** Why an Ingress path is refused for its pathType, or undefined. */
function pathError(path: unknown, pathType: unknown): string | undefined {
  if (!PATH_TYPES.has(pathType as string)) return `pathType "${pathType ?? ''}" must be one of Exact, Prefix, ImplementationSpecific`;
  if (pathType === 'ImplementationSpecific') return typeof path === 'string' && path !== '' && !path.startsWith('/') ? `path "${path}" must be an absolute path` : undefined;
  if (typeof path !== 'string' || !path.startsWith('/')) return `path "${path ?? ''}" must be an absolute path for pathType ${pathType}`;
  const sequence = INVALID_SEQUENCES.find(s => path.includes(s));
  if (sequence) return `path "${path}" must not contain "${sequence}"`;
  const suffix = INVALID_SUFFIXES.find(s => path.endsWith(s));
  if (suffix) return `path "${path}" must not end with "${suffix}"`;
  return undefined;
}

/** Ingress paths and backends as the API server validates them. */
export function checkIngresses(ctx: ValidationContext): void {
  for (const [subject, object] of ctx.index.typedOfKind('Ingress')) {
    const spec = object.spec ?? {};
    (spec.rules ?? []).forEach((rule, r) => {
      const host = rule.host;
      if (typeof host === 'string' && !HOST.test(host.replace(/^\*\./, ''))) ctx.report(subject, 'api.ingress-paths', `spec.rules[${r}].host: "${host}" must be a DNS subdomain, optionally with a leading "*." wildcard (no IP address, no port)`);
      (rule.http?.paths ?? []).forEach((p, i) => {
        const at = `spec.rules[${r}].http.paths[${i}]`;
        const error = pathError(p.path, p.pathType);
        if (error) ctx.report(subject, 'api.ingress-paths', `${at}: ${error}`);
        const backend: Partial<typeof p.backend> = p.backend ?? {};
        if ((backend.service === undefined) === (backend.resource === undefined)) ctx.report(subject, 'api.ingress-paths', `${at}.backend: must set exactly one of service or resource`);
        const port = backend.service?.port;
        if (port && (port.name === undefined) === (port.number === undefined)) ctx.report(subject, 'api.ingress-paths', `${at}.backend.service.port: must set exactly one of name or number`);
      });
    });
    if (!spec.defaultBackend && !(spec.rules ?? []).length) ctx.report(subject, 'api.ingress-paths', 'spec: either defaultBackend or rules must be specified');
  }
}
