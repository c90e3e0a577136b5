import { Construct } from 'constructs';
import { ClusterIssuer, ClusterIssuerProps } from '../../imports/cert-manager-clusterissuer-cert-manager.io';
import { Gateway, GatewaySpecListeners, GatewaySpecListenersAllowedRoutesNamespacesFrom, GatewaySpecListenersTlsMode } from '../../imports/gateway-api-gateway-gateway.networking.k8s.io';
import { fail } from '../errors';
import { standardLabels } from '../k8s/labels';
import { CERT_MANAGER } from '../operators/cert-manager';
import { AppChart } from '../platform/app-chart';
import { Platform } from '../platform/platform';
import { preCreatedSecret } from '../secrets/external-secret';
import { CLOUDFLARE_API_TOKEN } from '../platform/entry-point-settings';
import { EXTERNAL_DNS_TARGET, hostnameToName } from './entry-points';
import { certificate, DeclaredRoute, Routes } from './routes';
import { requireOperator } from '../operators/require-operator';

const ALL_NAMESPACES = { namespaces: { from: GatewaySpecListenersAllowedRoutesNamespacesFrom.ALL } };

/** Solvers are settings in the schema's own spelling: rendered as given, not through the typed mapping. */
class IssuerWithSolvers extends ClusterIssuer {
  constructor(scope: Construct, id: string, props: ClusterIssuerProps, private readonly solvers: Record<string, unknown>[]) {
    super(scope, id, props);
  }

  public override toJson(): { spec: { acme: Record<string, unknown> } } {
    const json = super.toJson() as { spec: { acme: Record<string, unknown> } };
    json.spec.acme.solvers = this.solvers;
    return json;
  }
}

/**
 * The entry points every app shares, derived from the routes the app charts declare (in the
 * `entry-points` step of the derive phase): the Let's Encrypt ClusterIssuer and, with Gateway API
 * rendering, seed 003's two Gateways, the external one with an HTTPS listener and a Certificate
 * per public hostname.
 */
export class Edge extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    Platform.of(this).onDerive(this, 'entry-points', () => this.derive());
  }

  private derive(): void {
    const platform = Platform.of(this);
    const chart = AppChart.of(this);
    const settings = platform.entryPoints;
    const publicRoutes = Routes.declared(platform).filter(r => r.exposure === 'public');

    if (publicRoutes.length) {
      const acme = settings.acme;
      if (!acme.email) fail(this, 'entryPoints.acme.email', `public routes (${publicRoutes.map(r => r.hostname).join(', ')}) need certificates: set the Let's Encrypt account's email in the platform settings`);
      requireOperator(this, CERT_MANAGER);
      new IssuerWithSolvers(this, 'ClusterIssuer', {
        metadata: { name: acme.issuerName, labels: standardLabels({ name: acme.issuerName, app: chart.appName, component: 'certificates' }) },
        spec: { acme: { email: acme.email, server: acme.server, privateKeySecretRef: { name: `${acme.issuerName}-account-key` } } },
      }, acme.solvers);
      if (JSON.stringify(acme.solvers).includes(CLOUDFLARE_API_TOKEN.name)) {
        preCreatedSecret(this, {
          namespace: CERT_MANAGER.namespace,
          name: CLOUDFLARE_API_TOKEN.name,
          keys: [CLOUDFLARE_API_TOKEN.key],
          usedBy: "the ClusterIssuer's DNS-01 solver (a Cloudflare API token with Zone:DNS:Edit)",
        });
      }
    }

    if (settings.routes === 'gateway-api') {
      const g = settings.gateway;
      this.gateway(g.externalName, g.externalTarget, publicRoutes);
      this.gateway(g.internalName, g.internalTarget, []);
    }
  }

  /** A Gateway answering HTTP for every route attached to it, and HTTPS for each hostname in `tls`. */
  private gateway(name: string, target: string, tls: DeclaredRoute[]): Gateway {
    const platform = Platform.of(this);
    const chart = AppChart.of(this);
    const hostnames = [...new Set(tls.map(r => r.hostname))].sort();
    const listeners: GatewaySpecListeners[] = [
      { name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: ALL_NAMESPACES },
      ...hostnames.map(hostname => {
        const certName = hostnameToName(hostname);
        certificate(this, certName, [hostname], `${certName}-tls`);
        return {
          name: `https-${certName}`.slice(0, 63),
          protocol: 'HTTPS',
          port: 443,
          hostname,
          tls: { mode: GatewaySpecListenersTlsMode.TERMINATE, certificateRefs: [{ kind: 'Secret', name: `${certName}-tls` }] },
          allowedRoutes: ALL_NAMESPACES,
        };
      }),
    ];
    return new Gateway(this, `Gateway-${name}`, {
      metadata: {
        name,
        labels: standardLabels({ name, app: chart.appName, component: 'gateway' }),
        annotations: { [EXTERNAL_DNS_TARGET]: target },
      },
      spec: { gatewayClassName: platform.entryPoints.gateway.className, listeners },
    });
  }
}
