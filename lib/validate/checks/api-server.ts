import { ValidationContext, containersOf } from '../context';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

// Kinds whose names must be DNS labels rather than subdomains.
const LABEL_NAMED = new Set(['Namespace', 'Service']);
// RBAC names are path segments (`system:controller:...`, `cert-manager:leaderelection`).
const PATH_SEGMENT_NAMED = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
const isPathSegment = (name: string) => name !== '.' && name !== '..' && !/[/%]/.test(name);

function labelKeyError(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return `label key "${key}" has an invalid prefix`;
  if (name.length > 63 || !QUALIFIED_NAME.test(name)) return `label key "${key}" is invalid (name part: at most 63 alphanumerics, '-', '_' or '.')`;
  return undefined;
}

function labelValueError(key: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return `label ${key} has a non-string value`;
  if (value.length > 63) return `label ${key} value is ${value.length} characters long (at most 63)`;
  if (value !== '' && !QUALIFIED_NAME.test(value)) return `label ${key} value "${value}" is invalid`;
  return undefined;
}

/** Names, labels, port names, images and uniqueness: what the API server refuses outright. */
export function checkApiServerRules(ctx: ValidationContext): void {
  const seen = new Map<string, string>();
  for (const subject of ctx.index.objects) {
    const m = subject.manifest;
    const name: string | undefined = m.metadata?.name;
    const namespace: string | undefined = m.metadata?.namespace;

    if (!name) ctx.report(subject, 'dns-name', 'metadata.name is missing');
    else if (m.kind === 'Service' && !(name.length <= 63 && DNS_1035_LABEL.test(name))) ctx.report(subject, 'dns-name', `Service name "${name}" is not a DNS-1035 label (a letter first, then lowercase letters, digits and '-', at most 63)`);
    else if (LABEL_NAMED.has(m.kind) && !(name.length <= 63 && DNS_LABEL.test(name))) ctx.report(subject, 'dns-name', `name "${name}" is not a DNS-1123 label`);
    else if (PATH_SEGMENT_NAMED.has(m.kind) && String(m.apiVersion).startsWith('rbac.authorization.k8s.io/')) {
      if (!isPathSegment(name)) ctx.report(subject, 'dns-name', `name "${name}" may not be "." or "..", nor contain "/" or "%"`);
    } else if (!(name.length <= 253 && DNS_SUBDOMAIN.test(name))) ctx.report(subject, 'dns-name', `name "${name}" is not a DNS-1123 subdomain`);
    if (namespace !== undefined && !(namespace.length <= 63 && DNS_LABEL.test(namespace))) ctx.report(subject, 'dns-name', `namespace "${namespace}" is not a DNS-1123 label`);

    const group = String(m.apiVersion ?? '').split('/');
    const key = `${group.length > 1 ? group[0] : ''}/${m.kind}/${namespace ?? ''}/${name}`;
    const first = seen.get(key);
    if (first) ctx.report(subject, 'duplicate-object', `${m.kind} ${namespace ? `${namespace}/` : ''}${name} is also defined in ${first}`);
    else seen.set(key, subject.file);

    const labelSets: [string, Record<string, unknown> | undefined][] = [['metadata.labels', m.metadata?.labels]];
    const template = ctx.index.podOf(subject)?.template;
    if (template) labelSets.push(['pod template labels', template.metadata?.labels]);
    const matchLabels = (m as { spec?: { selector?: { matchLabels?: Record<string, unknown> } } }).spec?.selector?.matchLabels;
    if (matchLabels) labelSets.push(['spec.selector.matchLabels', matchLabels]);
    for (const [where, labels] of labelSets) {
      for (const [k, v] of Object.entries(labels ?? {})) {
        const error = labelKeyError(k) ?? labelValueError(k, v);
        if (error) ctx.report(subject, 'label-syntax', `${where}: ${error}`);
      }
    }

    if (m.kind === 'Service') {
      for (const port of ctx.index.typed(subject, 'Service').spec?.ports ?? []) {
        if (port.name !== undefined && !(port.name.length <= 63 && DNS_LABEL.test(port.name))) ctx.report(subject, 'port-name', `Service port name "${port.name}" is not a DNS-1123 label`);
      }
    }
    for (const container of template ? containersOf(template.spec) : []) {
      if (!container.image) ctx.report(subject, 'container-image', `container ${container.name} has no image`);
      for (const port of container.ports ?? []) {
        const n = port.name;
        if (n !== undefined && (n.length > 15 || !IANA_SVC_NAME.test(n) || !/[a-z]/.test(n) || n.includes('--'))) {
          ctx.report(subject, 'port-name', `container ${container.name} port name "${n}" is not an IANA service name (at most 15 lowercase letters, digits and single '-', with a letter)`);
        }
      }
    }
  }
}
