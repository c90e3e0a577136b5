import type { Manifest } from './manifest';
import { asKind, KindMap, selects } from './kube';
import { ContainerDefaults, Workload, workloadsOf } from './workloads';

export type Service = KindMap['Service'];
export type NetworkPolicy = KindMap['NetworkPolicy'];

/** A Service an Ingress or HTTPRoute sends traffic to, and the hostnames it answers for. */
export interface RouteBackend {
  readonly kind: 'Ingress' | 'HTTPRoute';
  /** Namespace of the route. */
  readonly routeNamespace: string;
  /** Namespace of the Service (an HTTPRoute may name another). */
  readonly namespace: string;
  readonly service: string;
  /** Port of the Service, by name or number. @default - its first */
  readonly port?: string | number;
  /** Hostnames of the Ingress rule or HTTPRoute; none for an Ingress's default backend. */
  readonly hosts: string[];
  /** The Gateways an HTTPRoute attaches to. */
  readonly via: string[];
  /** Whether external-dns publishes its hostnames (its annotation on an Ingress, its label on an HTTPRoute). */
  readonly published: boolean;
}

/** A Service the API server itself calls: an admission webhook's, a CRD's conversion webhook's. */
export interface WebhookBackend {
  /** `Kind name` of the object that names it. */
  readonly declaredBy: string;
  readonly namespace: string;
  readonly service: string;
  /** Port of the Service (443 when the object names none). */
  readonly port: number;
}

interface ServiceReference { readonly namespace?: string; readonly name?: string; readonly port?: number }
interface WebhookClient { readonly clientConfig?: { readonly service?: ServiceReference } }

/** The Services the API server calls for an object: admission webhooks, CRD conversion. */
export function webhookBackendsOf(m: Manifest): WebhookBackend[] {
  const spec = m as { webhooks?: WebhookClient[]; spec?: { conversion?: { webhook?: WebhookClient } } };
  const clients: WebhookClient[] = m.kind === 'ValidatingWebhookConfiguration' || m.kind === 'MutatingWebhookConfiguration'
    ? spec.webhooks ?? []
    : m.kind === 'CustomResourceDefinition' && spec.spec?.conversion?.webhook ? [spec.spec.conversion.webhook] : [];
  const seen = new Set<string>();
  return clients.flatMap(c => {
    const svc = c.clientConfig?.service;
    if (!svc?.name || !svc.namespace) return [];
    const backend = { declaredBy: `${m.kind} ${m.metadata.name}`, namespace: svc.namespace, service: svc.name, port: svc.port ?? 443 };
    const key = `${backend.namespace}/${backend.service}:${backend.port}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [backend];
  });
}

/**
 * The rendered objects as the platform reads them back, built once from their JSON: workloads
 * with their pods, selectors, ports and sizes (CloudNativePG's pods included), Services, route
 * backends and NetworkPolicies. The NetworkPolicies, the quotas and the report share it.
 */
export class PlatformModel {
  public readonly workloads: Workload[];
  public readonly services: Service[];
  public readonly routeBackends: RouteBackend[];
  /** The Services the API server calls (admission and conversion webhooks). */
  public readonly webhookBackends: WebhookBackend[];
  public readonly networkPolicies: NetworkPolicy[];
  private readonly serviceIndex = new Map<string, Service>();

  constructor(objects: { file: string; manifest: Manifest }[], nodes: number, containerDefaults?: ContainerDefaults) {
    this.workloads = workloadsOf(objects, nodes, containerDefaults);
    this.services = [];
    this.networkPolicies = [];
    this.routeBackends = [];
    this.webhookBackends = [];
    for (const { manifest } of objects) {
      const service = asKind(manifest, 'Service');
      if (service) {
        this.services.push(service);
        this.serviceIndex.set(`${service.metadata.namespace}/${service.metadata.name}`, service);
      }
      const policy = asKind(manifest, 'NetworkPolicy');
      if (policy) this.networkPolicies.push(policy);
      this.routeBackends.push(...backendsOf(manifest));
      this.webhookBackends.push(...webhookBackendsOf(manifest));
    }
  }

  /** The workload named `name` in `namespace`. */
  public workload(c: { namespace: string; name: string }): Workload | undefined {
    return this.workloads.find(w => w.namespace === c.namespace && w.name === c.name);
  }

  public service(namespace: string, name: string): Service | undefined {
    return this.serviceIndex.get(`${namespace}/${name}`);
  }

  /** The workloads whose pods `service` selects. */
  public behind(service: Service): Workload[] {
    return this.workloads.filter(w => w.namespace === service.metadata.namespace && selects(service.spec?.selector, w.labels));
  }

  /** The container port a Service port (by name or number; its first when undefined) sends to, on pods of `w`. */
  public targetPort(service: Service, port: string | number | undefined, w: Workload): number | undefined {
    const ports = service.spec?.ports ?? [];
    const sp = ports.find(p => p.name === port || p.port === port) ?? (port === undefined ? ports[0] : undefined);
    if (!sp) return undefined;
    const target = sp.targetPort ?? sp.port;
    return typeof target === 'number' ? target : w.ports.find(p => p.name === target)?.port;
  }
}

/** The Services (and their ports, by name or number) an Ingress or HTTPRoute sends traffic to. */
export function backendsOf(m: Manifest): RouteBackend[] {
  const namespace = m.metadata.namespace!;
  const published = m.metadata.annotations?.['external-dns.alpha.kubernetes.io/hostname'] !== undefined
    || m.metadata.labels?.['external-dns.alpha.kubernetes.io/enabled'] === 'true';
  const ingress = asKind(m, 'Ingress');
  if (ingress) {
    const fromRules = (ingress.spec?.rules ?? []).flatMap(r => (r.http?.paths ?? []).map(p => ({ backend: p.backend, hosts: r.host ? [r.host] : [] })));
    const all = [...(ingress.spec?.defaultBackend ? [{ backend: ingress.spec.defaultBackend, hosts: [] as string[] }] : []), ...fromRules];
    return all.flatMap(({ backend, hosts }) => (backend.service
      ? [{ kind: 'Ingress' as const, routeNamespace: namespace, namespace, service: backend.service.name, port: backend.service.port?.name ?? backend.service.port?.number, hosts, via: [], published }]
      : []));
  }
  const route = asKind(m, 'HTTPRoute');
  if (route) {
    const via = (route.spec?.parentRefs ?? []).map(p => p.name);
    const hosts = route.spec?.hostnames ?? [];
    return (route.spec?.rules ?? []).flatMap(r => r.backendRefs ?? [])
      .filter(b => (b.kind ?? 'Service') === 'Service' && !b.group)
      .map(b => ({ kind: 'HTTPRoute' as const, routeNamespace: namespace, namespace: b.namespace ?? namespace, service: b.name, port: b.port, hosts, via, published }));
  }
  return [];
}
