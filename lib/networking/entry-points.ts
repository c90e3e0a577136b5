/** Namespace and app of the shared entry points (Gateways, ClusterIssuer). */
export const EDGE_APP = 'edge';

/** Annotation external-dns reads the hostnames to publish from. */
export const EXTERNAL_DNS_HOSTNAME = 'external-dns.alpha.kubernetes.io/hostname';
/** Seed 003: external-dns only watches routes carrying this label. */
export const EXTERNAL_DNS_ENABLED = 'external-dns.alpha.kubernetes.io/enabled';
/** Where a Gateway's hostnames should point. */
export const EXTERNAL_DNS_TARGET = 'external-dns.alpha.kubernetes.io/target';

/** `blog.example.org` -> `blog-example-org`: object names derived from a hostname. */
export function hostnameToName(hostname: string): string {
  return hostname.replace(/\./g, '-');
}
