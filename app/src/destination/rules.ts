import ipaddr from 'ipaddr.js';
import { homograph } from './homograph.js';
import { normalizeHost, parseAddress } from './host.js';
import { internalName } from './internal-names.js';
import type { AddressResolver } from './resolve.js';

// Where a short link may point. The host is normalized once (host.ts); then each rule, in
// this order, may refuse it. Every refusal names its rule, in the 422 and in the metrics.

export interface DestinationRules {
  denyDomains: string[];
  /** Empty: any public host. */
  allowDomains: string[];
  /** Homographs (homograph.ts): refused, or accepted and flagged. @default 'refuse' */
  homographs: 'refuse' | 'flag';
  /** Resolves names and refuses those pointing at non-public addresses; undefined: names are not resolved. */
  resolve?: AddressResolver;
}

export type Rule = 'userinfo' | 'malformed-host' | 'ip-range' | 'internal-hostname' | 'homograph' | 'denied-domain' | 'not-allowed-domain' | 'resolves-internal';

export interface Refusal {
  rule: Rule;
  message: string;
}

export interface Verdict {
  refusal: Refusal | null;
  /** Rules that would have refused, set to flag instead. */
  flags: Rule[];
}

const refuse = (rule: Rule, reason: string): Verdict => ({ refusal: { rule, message: `Destination refused (${rule}): ${reason}.` }, flags: [] });
const inDomain = (host: string, domain: string) => host === domain || host.endsWith(`.${domain}`);

/** Only globally routable unicast: loopback, private, link-local (169.254.169.254), unique-local, CGNAT, multicast, reserved, NAT64, 6to4 and Teredo are not. */
function nonPublicRange(address: ipaddr.IPv4 | ipaddr.IPv6): string | null {
  const range = address.range();
  return range === 'unicast' ? null : range;
}

/** The verdict on `value`, an http(s) URL that the schema already accepted. */
export async function checkDestination(value: string, rules: DestinationRules): Promise<Verdict> {
  const url = new URL(value);
  if (url.username !== '' || url.password !== '') return refuse('userinfo', 'a URL with user:password@ before the host is not allowed');
  const host = normalizeHost(url);
  if (host.kind === 'malformed') return refuse('malformed-host', `${host.host} has an empty label`);
  if (host.kind === 'ip') {
    const range = nonPublicRange(host.address);
    const shown = host.embeds ?? host.address.toString();
    return range ? refuse('ip-range', `${shown}, in the ${range} range`) : { refusal: null, flags: [] };
  }
  const internal = internalName(host.ascii, host.labels);
  if (internal) return refuse('internal-hostname', `${host.ascii} only resolves inside a cluster or machine: ${internal}`);
  const flags: Rule[] = [];
  const lookalike = homograph(host.unicode.split('.'));
  if (lookalike) {
    if (rules.homographs === 'refuse') return refuse('homograph', `${host.unicode} (${host.ascii}) may pass for another name: ${lookalike}`);
    flags.push('homograph');
  }
  const denied = rules.denyDomains.find((domain) => inDomain(host.ascii, domain));
  if (denied) return refuse('denied-domain', `${host.ascii} is on the deny-list (${denied})`);
  if (rules.allowDomains.length > 0 && !rules.allowDomains.some((domain) => inDomain(host.ascii, domain))) {
    return refuse('not-allowed-domain', `${host.ascii} is not on the allow-list`);
  }
  if (rules.resolve) {
    for (const found of await rules.resolve(host.ascii)) {
      const address = parseAddress(found);
      const range = nonPublicRange(address.address);
      if (range) return refuse('resolves-internal', `${host.ascii} resolves to ${address.embeds ?? address.address.toString()}, in the ${range} range`);
    }
  }
  return { refusal: null, flags };
}
