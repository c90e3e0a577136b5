/**
 * Finds the in-cluster hostnames a piece of configuration names: `svc`, `svc.ns`, `svc.ns.svc`,
 * `svc.ns.svc.cluster.local` (each with an optional `:port`, also inside a URL or a connection
 * string such as `postgresql://user:pw@svc:5432/db`). A bare word counts only where it can only be
 * a host: followed by a port, inside a URL, after a host flag, or as the whole value of a variable
 * named like a host (PGHOST, REDIS_URL), so that `PGUSER=blog` is not read as Service `blog`.
 */

/** A hostname as written, lowercased, with the port when one follows it. */
export interface HostReference {
  readonly host: string;
  readonly port?: number;
}

const NAME = '[a-z0-9](?:[-a-z0-9]*[a-z0-9])?';
const HOST = `${NAME}(?:\\.${NAME})*`;
const URL_HOST = new RegExp(`[a-z][a-z0-9+.-]*://(?:[^@/\\s'"]*@)?(${HOST})(?::(\\d{1,5}))?`, 'gi');
const HOST_PORT = new RegExp(`(?<![-\\w.@/:$])(${HOST}):(\\d{1,5})(?![\\w.])`, 'gi');
const CLUSTER_DNS = new RegExp(`(?<![-\\w.])(${HOST}\\.svc(?:\\.cluster\\.local)?)(?::(\\d{1,5}))?(?![-\\w])`, 'gi');
const HOST_FLAG = new RegExp(`(?:^|\\s)(?:-h|--host|--hostname|--server)(?:=|\\s+)(${HOST})(?::(\\d{1,5}))?(?![-\\w.])`, 'gi');
const WHOLE = new RegExp(`^(${HOST})(?::(\\d{1,5}))?$`, 'gi');
/** Variable names whose whole value is a host or an address. */
const HOST_VARIABLE = /(HOST|ADDR|ADDRESS|SERVER|ENDPOINT|SENTINEL|URL|URI|DSN)S?$/i;

function collect(text: string, pattern: RegExp, into: Map<string, HostReference>): void {
  for (const match of text.matchAll(pattern)) {
    const host = match[1].toLowerCase();
    const port = match[2] ? Number(match[2]) : undefined;
    into.set(`${host}:${port ?? ''}`, { host, port });
  }
}

/** The hostnames `text` names; `variable` is the environment variable (or flag) it is the value of, if any. */
export function hostReferences(text: string, variable?: string): HostReference[] {
  const found = new Map<string, HostReference>();
  collect(text, URL_HOST, found);
  collect(text, HOST_PORT, found);
  collect(text, CLUSTER_DNS, found);
  collect(text, HOST_FLAG, found);
  if (variable && HOST_VARIABLE.test(variable)) {
    for (const part of text.split(/[\s,]+/)) collect(part, WHOLE, found);
  }
  return [...found.values()];
}

/**
 * The Service a hostname names, seen from `namespace`, given which Services exist: the cluster
 * DNS forms name their namespace; `a.b` is Service a in namespace b, or pod a of (headless)
 * Service b in `namespace`; a bare name is a Service of `namespace`.
 */
export function resolveService(ref: HostReference, namespace: string, exists: (namespace: string, name: string) => boolean): { namespace: string; name: string } | undefined {
  const host = ref.host.replace(/\.cluster\.local$/, '');
  const parts = host.split('.');
  if (host.endsWith('.svc')) {
    if (parts.length < 3) return undefined;
    const found = { namespace: parts[parts.length - 2], name: parts[parts.length - 3] };
    return exists(found.namespace, found.name) ? found : undefined;
  }
  if (parts.length === 1) return exists(namespace, host) ? { namespace, name: host } : undefined;
  if (parts.length === 2) {
    if (exists(parts[1], parts[0])) return { namespace: parts[1], name: parts[0] };
    if (exists(namespace, parts[1])) return { namespace, name: parts[1] };
  }
  return undefined;
}
