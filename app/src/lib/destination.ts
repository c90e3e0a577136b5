import ipaddr from 'ipaddr.js';

// Where a short link may point. The WHATWG URL parser has already turned every spelling of an
// IPv4 address (0x7f000001, 2130706433, 0177.0.0.1, 127.1) into dotted form, so the checks
// below see one canonical host.

export interface DestinationRules {
  denyDomains: string[];
  /** Empty: any public host. */
  allowDomains: string[];
}

export interface Refusal {
  /** Stable rule name, in the message and the metrics. */
  rule: 'userinfo' | 'ip-range' | 'internal-hostname' | 'denied-domain' | 'not-allowed-domain';
  message: string;
}

// Hosts that only resolve inside a cluster or a machine: Kubernetes service names, mDNS, and
// the reserved special-use names.
const INTERNAL_SUFFIXES = ['localhost', 'local', 'internal', 'svc', 'cluster.local', 'home.arpa', 'localdomain'];

const inDomain = (host: string, domain: string) => host === domain || host.endsWith(`.${domain}`);

/** Null when `value` (already a valid http(s) URL) may be a destination; otherwise the rule it breaks. */
export function checkDestination(value: string, rules: DestinationRules): Refusal | null {
  const url = new URL(value);
  if (url.username !== '' || url.password !== '') {
    return { rule: 'userinfo', message: 'Destination refused (userinfo): a URL with user:password@ before the host is not allowed.' };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  if (ipaddr.isValid(host)) {
    let address = ipaddr.parse(host);
    if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) address = (address as ipaddr.IPv6).toIPv4Address();
    const range = address.range();
    // Only globally routable unicast: loopback, private, link-local (169.254.169.254, the
    // cloud metadata address), unique-local, CGNAT, multicast, reserved and the rest are refused.
    if (range !== 'unicast') {
      return { rule: 'ip-range', message: `Destination refused (ip-range): ${address.toString()} is in the ${range} range.` };
    }
    return null;
  }
  if (!host.includes('.') || INTERNAL_SUFFIXES.some((suffix) => inDomain(host, suffix))) {
    return { rule: 'internal-hostname', message: `Destination refused (internal-hostname): ${host} only resolves inside a cluster or machine.` };
  }
  const denied = rules.denyDomains.find((domain) => inDomain(host, domain));
  if (denied) return { rule: 'denied-domain', message: `Destination refused (denied-domain): ${host} is on the deny-list (${denied}).` };
  if (rules.allowDomains.length > 0 && !rules.allowDomains.some((domain) => inDomain(host, domain))) {
    return { rule: 'not-allowed-domain', message: `Destination refused (not-allowed-domain): ${host} is not on the allow-list.` };
  }
  return null;
}
