import { IConstruct } from 'constructs';
import { fail } from '../errors';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IANA_SVC_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 1123 label: what Kubernetes requires of namespaces, Services and most names. */
export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && DNS_LABEL.test(value);
}

/** RFC 1123 subdomain: what Kubernetes requires of ConfigMap, Deployment, ... names. */
export function isDnsSubdomain(value: string): boolean {
  return value.length <= 253 && DNS_SUBDOMAIN.test(value);
}

/** A hostname as written in Ingress rules and tunnel configs (no wildcard, no port). */
export function isHostname(value: string): boolean {
  return isDnsSubdomain(value) && value.includes('.');
}

/** Throws unless `value` is a hostname (`isHostname`), saying which rule it breaks. */
export function assertHostname(scope: IConstruct, field: string, value: string): string {
  if (!isHostname(value)) {
    fail(scope, field, `"${value}" is not a fully qualified hostname (lowercase letters, digits, '-' and '.', at least two labels, each starting and ending with a letter or digit)`);
  }
  return value;
}

/** Throws unless `value` is a DNS label, naming the construct and field. */
export function assertDnsLabel(scope: IConstruct, field: string, value: string): string {
  if (!isDnsLabel(value)) {
    fail(scope, field, `"${value}" is not a DNS label (lowercase letters, digits and '-', at most 63 characters, starting and ending with a letter or digit)`);
  }
  return value;
}

/** Container port names: IANA service names, at most 15 characters with at least one letter. */
export function assertPortName(scope: IConstruct, field: string, value: string): string {
  if (value.length > 15 || !IANA_SVC_NAME.test(value) || !/[a-z]/.test(value) || value.includes('--')) {
    fail(scope, field, `"${value}" is not a valid port name (at most 15 lowercase letters, digits and single '-', with at least one letter)`);
  }
  return value;
}

/** Throws unless `value` is a TCP port number. */
export function assertPort(scope: IConstruct, field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    fail(scope, field, `${value} is not a port number between 1 and 65535`);
  }
  return value;
}
