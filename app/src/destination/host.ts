import ipaddr from 'ipaddr.js';
import { domainToUnicode } from 'node:url';

// A destination's host, normalized once, before any rule runs. The WHATWG URL parser has already
// mapped the name through IDNA to ASCII (punycode) and lower case, and every spelling of an IPv4
// address (0x7f000001, 2130706433, 0177.0.0.1, 127.1) to dotted form. Left to do: every trailing
// dot (the parser keeps all but an IPv4's last, so `foo.svc..` stayed `foo.svc..`), and IPv6
// forms that carry an IPv4 address.

export type NormalizedHost =
  | { kind: 'ip'; address: ipaddr.IPv4 | ipaddr.IPv6; /** the IPv4 address an IPv6 form carries, named in messages */ embeds?: string }
  | { kind: 'name'; ascii: string; labels: string[]; unicode: string }
  | { kind: 'malformed'; host: string };

/** ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated): the IPv4 address is the destination. */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const parts = address.parts;
  if (parts.slice(0, 5).some((part) => part !== 0)) return undefined;
  const mapped = parts[5] === 0xffff;
  // ::/96 but not :: and ::1, which are IPv6's own unspecified and loopback addresses
  const compatible = parts[5] === 0 && (parts[6] !== 0 || parts[7]! > 1);
  if (!mapped && !compatible) return undefined;
  return new ipaddr.IPv4([parts[6]! >> 8, parts[6]! & 0xff, parts[7]! >> 8, parts[7]! & 0xff]);
}

/** An address as text (a URL's host, a resolver's answer); an IPv6 form that carries an IPv4 address stands for it. */
export function parseAddress(text: string): Extract<NormalizedHost, { kind: 'ip' }> {
  const address = ipaddr.parse(text);
  if (address.kind() === 'ipv6') {
    const inner = embeddedIPv4(address as ipaddr.IPv6);
    if (inner) return { kind: 'ip', address: inner, embeds: `${address.toString()} carries ${inner.toString()}` };
  }
  return { kind: 'ip', address };
}

export function normalizeHost(url: URL): NormalizedHost {
  let host = url.hostname;
  if (host.startsWith('[')) return parseAddress(host.slice(1, -1));
  host = host.replace(/\.+$/, '');
  // without its trailing dots a name may read as an IPv4 address (127.0.0.1..): parse it again
  const reparsed = new URL(`http://${host}/`).hostname;
  if (ipaddr.IPv4.isValidFourPartDecimal(reparsed)) return parseAddress(reparsed);
  const labels = host.split('.');
  if (host === '' || labels.some((label) => label === '')) return { kind: 'malformed', host: url.hostname };
  return { kind: 'name', ascii: host, labels, unicode: domainToUnicode(host) };
}
