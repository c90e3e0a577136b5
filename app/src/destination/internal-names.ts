import { createRequire } from 'node:module';
import { domainToASCII } from 'node:url';

// Names that only resolve inside a cluster or a machine. A pod's resolver appends its search
// domains (<namespace>.svc.cluster.local, svc.cluster.local, cluster.local) to any name with
// fewer than five dots, so `postgres`, `kubernetes.default` (service.namespace) and
// `web.blog.svc` all reach Services. Outside, a name resolves only under a top-level domain of
// the root zone: a name whose last label is not one (`default`, `svc`, `internal`, `local`,
// `cluster`) can only have been meant for a search path. The list is IANA's, from the `tlds`
// package; a TLD delegated after its release is refused until the package is updated.

// (the package is a JSON file: required, as Node's ESM loader wants an import attribute for it)
const tlds = createRequire(import.meta.url)('tlds') as string[];
const ROOT_ZONE = new Set(tlds.map((tld) => domainToASCII(tld)));

// Special-use names a resolver answers itself, some under a real TLD (RFC 6761, 6303, 8375).
const SPECIAL_USE = ['localhost', 'home.arpa', 'in-addr.arpa', 'ip6.arpa'];

const inDomain = (host: string, domain: string) => host === domain || host.endsWith(`.${domain}`);

/** Why `labels` (ASCII, lower case, no trailing dot) can only name something internal, or null. */
export function internalName(host: string, labels: string[]): string | null {
  if (labels.length === 1) return 'a single-label name is completed by the resolver\'s search domains';
  const special = SPECIAL_USE.find((suffix) => inDomain(host, suffix));
  if (special) return `names under ${special} are for internal use`;
  const tld = labels[labels.length - 1]!;
  if (!ROOT_ZONE.has(tld)) return `${tld} is not a top-level domain, so only a search domain (${labels.length === 2 ? 'service.namespace in a cluster' : 'a cluster or machine'}) can complete it`;
  return null;
}
