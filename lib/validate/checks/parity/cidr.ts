import type { INetworkPolicySpec } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicySpec';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import { ValidationContext } from '../../context';

// The API server's checks of IP addresses and CIDRs in the fields a user writes (strict parsing,
// k8s.io/apimachinery/pkg/util/validation/ip.go), with its messages.

/** An address as a number, its family, and whether it was written in a form the API server refuses. */
interface Address {
  readonly value: bigint;
  readonly bits: 32 | 128;
  /** Why the API server refuses the spelling although it parses: leading zeros, an IPv4-mapped IPv6 address. */
  readonly refused?: string;
}

const LEADING_ZEROS = 'must not have leading 0s in IP or prefix length';

function ipv4(text: string): Address | undefined {
  const octets = text.split('.');
  if (octets.length !== 4 || octets.some(o => !/^\d{1,3}$/.test(o) || Number(o) > 255)) return undefined;
  const value = octets.reduce((n, o) => n * 256n + BigInt(Number(o)), 0n);
  return { value, bits: 32, ...(octets.some(o => o.length > 1 && o.startsWith('0')) ? { refused: LEADING_ZEROS } : {}) };
}

function ipv6(text: string): Address | undefined {
  if (!text.includes(':') || text.includes('%')) return undefined;
  // An IPv4 address may end it (::ffff:10.0.0.1): two groups.
  let tail: bigint | undefined;
  let body = text;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = ipv4(text.slice(lastColon + 1));
    if (!v4 || v4.refused) return undefined;
    tail = v4.value;
    body = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? head.length !== 8 : missing < 1) return undefined;
  const all = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  if (all.some(g => !/^[0-9A-Fa-f]{1,4}$/.test(g))) return undefined;
  let value = all.reduce((n, g) => n * 65536n + BigInt(Number.parseInt(g, 16)), 0n);
  if (tail !== undefined) value = (value >> 32n << 32n) | tail;
  const mapped = value >> 32n === 0xffffn;
  return { value, bits: 128, ...(mapped ? { refused: 'must not have an IPv4-mapped IPv6 address' } : {}) };
}

/** An IPv4 or IPv6 address, or undefined when it is neither. */
export function parseIp(text: string): Address | undefined {
  return ipv4(text) ?? ipv6(text);
}

export interface Cidr {
  readonly address: Address;
  readonly prefix: number;
}

/** A CIDR, or why the API server refuses it. */
export function parseCidr(text: string): Cidr | string {
  const invalid = 'must be a valid CIDR value (e.g. 10.9.8.0/24 or 2001:db8::/64)';
  const slash = text.indexOf('/');
  if (slash < 0) return invalid;
  const address = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!address || !/^\d{1,3}$/.test(prefixText) || Number(prefixText) > address.bits) return invalid;
  if (address.refused) return address.refused;
  if (prefixText.length > 1 && prefixText.startsWith('0')) return LEADING_ZEROS;
  const prefix = Number(prefixText);
  const hostBits = BigInt(address.bits - prefix);
  if ((address.value & ((1n << hostBits) - 1n)) !== 0n) return 'must not have bits set beyond the prefix length';
  return { address, prefix };
}

/** Whether `inner` lies inside `outer` and is smaller: an ipBlock's except must. */
function strictSubset(inner: Cidr, outer: Cidr): boolean {
  if (inner.address.bits !== outer.address.bits || inner.prefix <= outer.prefix) return false;
  const shift = BigInt(outer.address.bits - outer.prefix);
  return inner.address.value >> shift === outer.address.value >> shift;
}

/**
 * The IP blocks of NetworkPolicies (cidr required and valid, each except a strict subset of it) and
 * a Service's loadBalancerSourceRanges and externalIPs, as the API server checks them.
 */
export function checkAddresses(ctx: ValidationContext): void {
  for (const subject of ctx.index.ofKind('NetworkPolicy')) {
    const spec: INetworkPolicySpec = ctx.index.typed(subject, 'NetworkPolicy').spec ?? { podSelector: {} };
    for (const [direction, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
      (spec[direction] ?? []).forEach((rule, r) => {
        ((rule as Partial<Record<'from' | 'to', INetworkPolicyPeer[]>> | undefined)?.[peers] ?? []).forEach((peer, p) => {
          const block = peer?.ipBlock;
          if (!block) return;
          const at = `spec.${direction}[${r}].${peers}[${p}].ipBlock`;
          if (typeof block.cidr !== 'string' || block.cidr === '') {
            ctx.report(subject, 'api.cidr', `${at}.cidr: required`);
            return;
          }
          const cidr = parseCidr(block.cidr);
          if (typeof cidr === 'string') ctx.report(subject, 'api.cidr', `${at}.cidr: "${block.cidr}" ${cidr}`);
          ((block.except ?? []) as unknown[]).forEach((text, e) => {
            const except = parseCidr(String(text));
            if (typeof except === 'string') ctx.report(subject, 'api.cidr', `${at}.except[${e}]: "${String(text)}" ${except}`);
            else if (typeof cidr !== 'string' && !strictSubset(except, cidr)) ctx.report(subject, 'api.cidr', `${at}.except[${e}]: "${String(text)}" must be a strict subset of cidr (${block.cidr})`);
          });
        });
      });
    }
  }
  for (const subject of ctx.index.ofKind('Service')) {
    const spec = ctx.index.typed(subject, 'Service').spec ?? {};
    ((spec.loadBalancerSourceRanges ?? []) as unknown[]).forEach((text, i) => {
      const cidr = parseCidr(String(text).trim());
      if (typeof cidr === 'string') ctx.report(subject, 'api.cidr', `spec.loadBalancerSourceRanges[${i}]: "${String(text)}" ${cidr}`);
    });
    ((spec.externalIPs ?? []) as unknown[]).forEach((text, i) => {
      const ip = parseIp(String(text));
      if (!ip) ctx.report(subject, 'api.cidr', `spec.externalIPs[${i}]: "${String(text)}" must be a valid IP address (e.g. 10.9.8.7 or 2001:db8::ffff)`);
      else if (ip.refused) ctx.report(subject, 'api.cidr', `spec.externalIPs[${i}]: "${String(text)}" ${ip.refused}`);
    });
  }
}
