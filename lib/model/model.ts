import type { Manifest } from './manifest';
import { cnpgServices, CNPG_SERVICE_PORT } from './cnpg';
import { asKind, KindMap, selects } from './kube';
import { ModelObject, ObjectIndex } from './object-index';
import { ContainerDefaults, Workload, workloadsOf } from './workloads';

export type Service = KindMap['Service'];
export type NetworkPolicy = KindMap['NetworkPolicy'];

/** A Service pods may name: one rendered, or one an operator creates for a rendered object. */
export interface ServiceAddress<O extends ModelObject = ModelObject> {
  readonly namespace: string;
  readonly name: string;
  readonly selector: Record<string, string>;
  readonly ports: { port: number; targetPort: number | string }[];
  /** The object that renders it, or that makes an operator create it. */
  readonly object: O;
}

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
 * The rendered objects as the platform reads them back, built once from their JSON: the index of
 * every object by kind and name (`ObjectIndex`, which the validator builds over its objects too), workloads with their pods, selectors, ports and sizes
 * (CloudNativePG's pods included), pod templates, Services (CloudNativePG's among them), route
 * backends and NetworkPolicies. The derive phase builds one of the apps' objects for the
 * NetworkPolicies and quotas; synthesis builds one of everything rendered (dist/ and argocd/),
 * once, for the validator, the platform checks and the report.
 */
export class PlatformModel<O extends ModelObject = ModelObject> extends ObjectIndex<O> {
  public readonly workloads: Workload[];
  public readonly services: Service[];
  public readonly routeBackends: RouteBackend[];
  /** The Services the API server calls (admission and conversion webhooks). */
  public readonly webhookBackends: WebhookBackend[];
  public readonly networkPolicies: NetworkPolicy[];
  private readonly serviceIndex = new Map<string, Service>();
  /** Every Service pods may name: the rendered ones, and those CloudNativePG creates for its Clusters and Poolers. */
  public readonly serviceAddresses: readonly ServiceAddress<O>[];

  constructor(objects: readonly O[], nodes: number, containerDefaults?: ContainerDefaults) {
    super(objects);
    this.workloads = workloadsOf(objects, nodes, containerDefaults);
    this.serviceAddresses = serviceAddressesOf(objects);
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

  /** The object that renders a workload. */
  public objectOf(w: Workload): O | undefined {
    return this.find(w.kind, w.namespace, w.name);
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

/** The Services among `objects`, and those CloudNativePG creates for the Clusters and Poolers among them. */
function serviceAddressesOf<O extends ModelObject>(objects: readonly O[]): ServiceAddress<O>[] {
  return objects.flatMap((object): ServiceAddress<O>[] => {
    const m = object.manifest;
    const namespace = m.metadata.namespace ?? '';
    const service = m.apiVersion === 'v1' ? asKind(m, 'Service') : undefined;
    if (service) {
      const ports = (service.spec?.ports ?? []).map(p => ({ port: p.port, targetPort: p.targetPort ?? p.port }));
      return [{ namespace, name: m.metadata.name, selector: service.spec?.selector ?? {}, ports, object }];
    }
    const kind = asKind(m, 'postgresql.cnpg.io/Cluster') ? 'Cluster' : asKind(m, 'postgresql.cnpg.io/Pooler') ? 'Pooler' : undefined;
    if (!kind) return [];
    const ports = [{ port: CNPG_SERVICE_PORT, targetPort: CNPG_SERVICE_PORT }];
    return cnpgServices(kind, m.metadata.name).map(s => ({ namespace, name: s.name, selector: s.selector, ports, object }));
  });
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
