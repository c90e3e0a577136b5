import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { resolveProps } from '../config';
import { stringify } from 'yaml';
import { fail } from '../errors';
import { IMAGES } from '../images';
import { checksum } from '../k8s/checksum';
import { ComponentIdentity, selectorLabels, standardLabels } from '../k8s/labels';
import { assertHostname } from '../k8s/names';
import { Probe } from '../k8s/probe';
import { Volume } from '../k8s/volume';
import { AppChart } from '../platform/app-chart';
import { ConnectionTarget, connection } from '../platform/connections';
import { Platform } from '../platform/platform';
import { exempt } from '../rules/exemption';
import { renderPodTemplate } from '../workloads/pod';
import { ResourcesProps } from '../workloads/resources';

/** Every default of `CloudflareTunnel`; its props' `@default`s name these values (seed 000). */
export const CLOUDFLARE_TUNNEL_DEFAULTS = {
  credentialsSecret: 'cloudflared-credentials',
  image: IMAGES.cloudflared,
  /** Seed 000 runs cloudflared on the host network to avoid intermittent 502s on a single node. */
  hostNetwork: true,
  /** A multiplexed connection to the edge. */
  protocol: 'http2' as 'http2' | 'quic' | 'auto',
  resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } } as ResourcesProps,
};

/** A public hostname and the in-cluster URL that answers it. */
export interface TunnelRoute {
  readonly hostname: string;
  /** e.g. `http://nginx.blog.svc.cluster.local:8080` */
  readonly service: string;
  /** The component behind `service`, so the connection is declared and drawn. */
  readonly target?: ConnectionTarget;
  /** Regular expression the request path must match. @default - any path */
  readonly path?: string;
}

export interface CloudflareTunnelProps {
  /** ID of the tunnel created with `cloudflared tunnel create`. */
  readonly tunnelId: string;
  readonly routes: TunnelRoute[];
  /**
   * Pre-created Secret with the tunnel's credentials.json; never written to git.
   * @default CLOUDFLARE_TUNNEL_DEFAULTS.credentialsSecret ('cloudflared-credentials')
   */
  readonly credentialsSecret?: string;
  /** @default CLOUDFLARE_TUNNEL_DEFAULTS.image (IMAGES.cloudflared) */
  readonly image?: string;
  /**
   * Host networking. Seed 000 runs cloudflared this way to avoid intermittent 502s on a
   * single-node cluster; it needs the namespace's Pod Security level to be privileged.
   * @default CLOUDFLARE_TUNNEL_DEFAULTS.hostNetwork (true)
   */
  readonly hostNetwork?: boolean;
  /** @default CLOUDFLARE_TUNNEL_DEFAULTS.protocol ('http2', seed 000) */
  readonly protocol?: 'http2' | 'quic' | 'auto';
  /** @default CLOUDFLARE_TUNNEL_DEFAULTS.resources (requests 50m / 64Mi, limits 500m / 256Mi) */
  readonly resources?: ResourcesProps;
}

const METRICS = { name: 'metrics', port: 2000 };

/** Why the tunnel may use the host network (seed 000). */
export const HOST_NETWORK_REASON = 'cloudflared runs with hostNetwork, which seed 000 uses to avoid intermittent 502s on a single-node cluster';
const CONFIG_DIR = '/etc/cloudflared/config';
const CREDENTIALS_DIR = '/etc/cloudflared/creds';

/** cloudflared's config.yaml: the routes in order, then a 404 for any other hostname. */
export function renderTunnelConfig(tunnelId: string, protocol: string, routes: TunnelRoute[]): string {
  return stringify({
    'tunnel': tunnelId,
    'credentials-file': `${CREDENTIALS_DIR}/credentials.json`,
    'protocol': protocol,
    'metrics': `0.0.0.0:${METRICS.port}`,
    'no-autoupdate': true,
    'ingress': [...routes.map(r => ({ hostname: r.hostname, ...(r.path ? { path: r.path } : {}), service: r.service })), { service: 'http_status:404' }],
  }, { lineWidth: 0 });
}

/**
 * A Cloudflare Tunnel (seed 000): an outbound connection to Cloudflare's edge, so no port is
 * opened on the router. Public hostnames reach the in-cluster services listed in `routes`.
 */
export class CloudflareTunnel extends Construct {
  public readonly identity: ComponentIdentity;
  public readonly config: string;
  public readonly routes: TunnelRoute[];

  constructor(scope: Construct, id: string, props: CloudflareTunnelProps) {
    super(scope, id);
    const p = resolveProps(CLOUDFLARE_TUNNEL_DEFAULTS, props);
    this.identity = { name: 'cloudflared', app: AppChart.of(this).appName, component: 'tunnel' };
    if (!/^[0-9a-f-]{36}$/.test(p.tunnelId)) fail(this, 'tunnelId', `"${p.tunnelId}" is not a tunnel UUID`);
    if (p.routes.length === 0) fail(this, 'routes', 'needs at least one route');
    p.routes.forEach((r, i) => {
      assertHostname(this, `routes[${i}].hostname`, r.hostname);
      if (!/^https?:\/\/[a-z0-9.-]+(:\d+)?$/.test(r.service)) fail(this, `routes[${i}].service`, `"${r.service}" is not an http(s)://host[:port] URL`);
    });
    const seen = new Set<string>();
    for (const r of p.routes) {
      const key = `${r.hostname}${r.path ?? ''}`;
      if (seen.has(key)) fail(this, 'routes', `hostname ${key} is routed twice`);
      seen.add(key);
    }

    this.routes = [...p.routes];
    // The routes' declarations (lib/networking/routes.ts) give the blackbox exporter their hostnames.
    this.config = renderTunnelConfig(p.tunnelId, p.protocol, p.routes);
    const labels = standardLabels(this.identity);
    const name = this.identity.name;
    new k8s.KubeConfigMap(this, 'ConfigMap', { metadata: { name, labels }, data: { 'config.yaml': this.config } });

    const ready = Probe.http('/ready', { period: Duration.seconds(10) });
    const hostNetwork = p.hostNetwork;
    const deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: selectorLabels(this.identity) },
        // On the node's network the new pod needs the old one's port: a surge pod never schedules on a
        // single node (the control-plane test saw the rollout stall), so the old pod goes first.
        ...(hostNetwork ? { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(0), maxUnavailable: k8s.IntOrString.fromNumber(1) } } } : {}),
        template: renderPodTemplate(this, labels, {
          hostNetwork,
          // The image's nonroot user.
          runAs: { user: 65532, group: 65532 },
          annotations: { 'checksum/config': checksum(this.config) },
          containers: [{
            name,
            image: p.image,
            args: ['tunnel', '--config', `${CONFIG_DIR}/config.yaml`, 'run'],
            ports: [METRICS],
            mounts: [
              { volume: Volume.configMap('config', name), path: CONFIG_DIR, readOnly: true },
              { volume: Volume.secret('credentials', p.credentialsSecret), path: CREDENTIALS_DIR, readOnly: true },
            ],
            resources: p.resources,
            readiness: ready,
            liveness: ready.withTimings({ initialDelay: Duration.seconds(10), period: Duration.seconds(20), failureThreshold: 5 }),
          }],
        }),
      },
    });
    if (hostNetwork) exempt(deployment, 'pod-security.host-namespaces', HOST_NETWORK_REASON);
    const platform = Platform.of(this);
    platform.declarations.tunnels.add(this, { identity: this.identity, namespace: AppChart.of(this).namespace, declaredBy: this.node.path, hostnames: this.routes.map(r => r.hostname) });
    const targets = new Set(p.routes.flatMap(r => (r.target ? [r.target] : [])));
    for (const target of targets) platform.addConnection(connection(this, target), this);
  }
}
