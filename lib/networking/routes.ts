import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct, IConstruct } from 'constructs';
import { Certificate } from '../../imports/cert-manager-certificate-cert-manager.io';
import { HttpRoute, HttpRouteSpecRulesMatchesPathType } from '../../imports/gateway-api-httproute-gateway.networking.k8s.io';
import { fail } from '../errors';
import { standardLabels } from '../k8s/labels';
import { assertDnsLabel, assertHostname } from '../k8s/names';
import { declareProbes } from '../monitoring/declarations';
import { CERT_MANAGER } from '../operators/cert-manager';
import { AppChart } from '../platform/app-chart';
import { ConnectionTarget } from '../platform/connections';
import { Platform } from '../platform/platform';
import { EDGE_APP, EXTERNAL_DNS_ENABLED, EXTERNAL_DNS_HOSTNAME, EXTERNAL_DNS_TARGET } from './entry-points';
import { requireOperator } from '../operators/require-operator';

/** `public`: answered on the internet (tunnel, external Gateway, DNS, certificate); `internal`: LAN and VPN only. */
export type Exposure = 'public' | 'internal';

/** The Service a route sends requests to, in the chart that declares the route. */
export interface RouteBackend {
  /** Name of the Service. */
  readonly service: string;
  /** Port of the Service (its number). */
  readonly port: number;
  /** The component behind the Service, so the tunnel's connection to it is declared and drawn. @default - none */
  readonly target?: ConnectionTarget;
}

export interface RoutesProps {
  /** Hostnames answered, each a fully qualified name. */
  readonly hostnames: string[];
  /** The Service and port that answer. */
  readonly backend: RouteBackend;
  /** Public (DNS, certificate, the external Gateway or tunnel) or internal (the LAN's Gateway only). @default 'public' */
  readonly exposure?: Exposure;
  /** Path routed to the backend. @default '/' (a prefix) */
  readonly path?: string;
  /** Name of the rendered Ingress or HTTPRoute and Certificate. @default the Service's name */
  readonly name?: string;
  /** Value of app.kubernetes.io/component on the rendered objects. @default 'route' */
  readonly component?: string;
  /** IngressClass, when routes render as Ingress. @default the platform's `entryPoints.ingressClassName` */
  readonly ingressClassName?: string;
}

/** One declared route: a hostname and path, and the Service port that answers it. */
export interface DeclaredRoute {
  readonly hostname: string;
  readonly path: string;
  readonly exposure: Exposure;
  readonly namespace: string;
  readonly service: string;
  readonly port: number;
  readonly target?: ConnectionTarget;
  /** `http://<service>.<namespace>.svc.cluster.local:<port>` */
  readonly url: string;
  /** The construct that declared it. */
  readonly declaredBy: string;
}

const ROUTES = Symbol('platform.routes');

/** The platform's route declarations, in the order they were made. */
function registryOf(scope: IConstruct): DeclaredRoute[] {
  return Platform.of(scope).declarations.extension(ROUTES, (): DeclaredRoute[] => []);
}

/**
 * The routes of one Service, declared once: the platform renders them as an Ingress (Traefik, K3s's
 * default) or as an HTTPRoute attached to the external or internal Gateway, by its
 * `entryPoints.routes` setting. Public hostnames get external-dns annotations, a Let's Encrypt
 * Certificate and a blackbox probe, and the Cloudflare tunnel derives its rules from them.
 */
export class Routes extends Construct {
  /** Every route declared in the platform of `scope`, ordered by hostname then path. */
  public static declared(scope: IConstruct): DeclaredRoute[] {
    return [...registryOf(scope)].sort((a, b) => a.hostname.localeCompare(b.hostname) || a.path.localeCompare(b.path));
  }

  public readonly routes: DeclaredRoute[];
  public readonly exposure: Exposure;
  /** The Ingress or HTTPRoute. */
  public readonly resource: ApiObject;
  /** With Ingress rendering, the Certificate of the public hostnames. */
  public readonly certificate?: Certificate;

  constructor(scope: Construct, id: string, props: RoutesProps) {
    super(scope, id);
    const chart = AppChart.of(this);
    const platform = Platform.of(this);
    const settings = platform.entryPoints;
    if (props.hostnames.length === 0) fail(this, 'hostnames', 'needs at least one hostname');
    props.hostnames.forEach((host, i) => {
      assertHostname(this, `hostnames[${i}]`, host);
    });
    const path = props.path ?? '/';
    if (!path.startsWith('/')) fail(this, 'path', `"${path}" must start with /`);
    const name = assertDnsLabel(this, 'name', props.name ?? props.backend.service);
    this.exposure = props.exposure ?? 'public';
    for (const other of Routes.declared(platform)) {
      const clash = props.hostnames.find(h => h === other.hostname && path === other.path);
      if (clash) fail(this, 'hostnames', `${clash}${path} is already routed by ${other.declaredBy}`);
    }
    const { service, port } = props.backend;
    const url = `http://${service}.${chart.namespace}.svc.cluster.local:${port}`;
    this.routes = props.hostnames.map(hostname => ({
      hostname, path, exposure: this.exposure, namespace: chart.namespace, service, port, target: props.backend.target, url, declaredBy: this.node.path,
    }));
    platform.declarations._checkOpen(this, 'a route');
    registryOf(this).push(...this.routes);

    const isPublic = this.exposure === 'public';
    // Every hostname is probed once, from its declaration: https where a certificate serves it.
    declareProbes(this, props.hostnames.map(h => `${isPublic ? 'https' : 'http'}://${h}${path}`));
    const component = props.component ?? 'route';
    const labels = standardLabels({ name, app: chart.appName, component });
    const annotations = isPublic
      ? { [EXTERNAL_DNS_HOSTNAME]: props.hostnames.join(','), ...(settings.externalDnsTarget ? { [EXTERNAL_DNS_TARGET]: settings.externalDnsTarget } : {}) }
      : undefined;

    if (settings.routes === 'gateway-api') {
      const gateway = isPublic ? settings.gateway.externalName : settings.gateway.internalName;
      this.resource = new HttpRoute(this, 'HTTPRoute', {
        metadata: { name, labels: isPublic ? { ...labels, [EXTERNAL_DNS_ENABLED]: 'true' } : labels, annotations },
        spec: {
          parentRefs: [{ name: gateway, namespace: EDGE_APP }],
          hostnames: props.hostnames,
          rules: [{ matches: [{ path: { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: path } }], backendRefs: [{ name: service, port }] }],
        },
      });
    } else {
      const secretName = `${name}-tls`;
      if (isPublic) this.certificate = certificate(this, name, props.hostnames, secretName, component);
      this.resource = new k8s.KubeIngress(this, 'Ingress', {
        metadata: { name, labels, annotations },
        spec: {
          ingressClassName: props.ingressClassName ?? settings.ingressClassName,
          rules: props.hostnames.map(host => ({
            host,
            http: { paths: [{ path, pathType: 'Prefix', backend: { service: { name: service, port: { number: port } } } }] },
          })),
          tls: isPublic ? [{ hosts: props.hostnames, secretName }] : undefined,
        },
      });
    }

    // A route to a Service or port the app does not render fails synthesis, naming this construct.
    this.node.addValidation({ validate: () => checkBackend(chart, props.backend) });
  }
}

/** A Let's Encrypt Certificate for `hostnames`, from the platform's ClusterIssuer, in `scope`'s namespace. */
export function certificate(scope: Construct, name: string, hostnames: string[], secretName: string, component = 'certificate'): Certificate {
  const platform = Platform.of(scope);
  requireOperator(scope, CERT_MANAGER);
  const chart = AppChart.of(scope);
  return new Certificate(scope, `Certificate-${name}`, {
    metadata: { name, labels: standardLabels({ name, app: chart.appName, component }) },
    spec: {
      secretName,
      dnsNames: hostnames,
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: platform.entryPoints.acme.issuerName },
    },
  });
}

function checkBackend(chart: AppChart, backend: RouteBackend): string[] {
  const services = chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Service' && c.apiVersion === 'v1');
  const service = services.find(s => s.name === backend.service);
  if (!service) return [`backend.service: Service ${chart.namespace}/${backend.service} is not in app ${chart.appName}`];
  const ports = ((service.toJson() as { spec?: { ports?: { port: number }[] } }).spec?.ports ?? []).map(p => p.port);
  if (!ports.includes(backend.port)) return [`backend.port: Service ${chart.namespace}/${backend.service} has no port ${backend.port} (it has ${ports.join(', ') || 'none'})`];
  return [];
}
