import { Overrides, withDefaults } from '../config';

/**
 * How the routes the charts declare reach their Services:
 * - `ingress`: one Ingress per route for the cluster's ingress controller (Traefik on K3s, seed 004);
 * - `gateway-api`: HTTPRoutes attached (`parentRefs`) to one of two Gateways, external for public
 *   routes and internal for the others (seed 003).
 */
export type RouteRendering = 'ingress' | 'gateway-api';

/** The two Gateways of seed 003: one for public traffic, one for the LAN and VPN. */
export interface GatewaySettings {
  /**
   * GatewayClass both Gateways use (installed with the Gateway API implementation).
   * @default 'envoy' (seed 003 runs Envoy Gateway)
   */
  readonly className: string;
  /** @default 'envoy-external' */
  readonly externalName: string;
  /** @default 'envoy-internal' */
  readonly internalName: string;
  /**
   * DNS name external-dns points public hostnames at (`external-dns.alpha.kubernetes.io/target`).
   * @default 'external.example.com' (seed 003)
   */
  readonly externalTarget: string;
  /** @default 'internal.example.com' (seed 003) */
  readonly internalTarget: string;
}

/** The Let's Encrypt account behind the ClusterIssuer every public hostname's Certificate uses. */
export interface AcmeSettings {
  /** Contact address of the ACME account; Let's Encrypt mails expiry warnings there. Required. */
  readonly email: string;
  /** @default 'letsencrypt' */
  readonly issuerName: string;
  /**
   * ACME directory.
   * @default 'https://acme-v02.api.letsencrypt.org/directory' (production)
   * @see https://letsencrypt.org/docs/acme-protocol-updates/
   */
  readonly server: string;
  /**
   * cert-manager ACME solvers, as the ClusterIssuer schema spells them; replaced whole by an override.
   * @default - DNS-01 through Cloudflare (the DNS of seeds 000 and 003), with an API token read from
   * the pre-created Secret `cloudflare-api-token` in cert-manager's namespace. DNS-01 works behind
   * the tunnel and for both route renderings.
   * @see https://cert-manager.io/docs/configuration/acme/dns01/cloudflare/
   */
  readonly solvers: Record<string, unknown>[];
}

export interface EntryPointSettings {
  /** @default 'ingress' (K3s ships Traefik, seed 004) */
  readonly routes: RouteRendering;
  /** IngressClass of rendered Ingresses. @default 'traefik' */
  readonly ingressClassName: string;
  /**
   * Where external-dns points public hostnames (`external-dns.alpha.kubernetes.io/target` on each
   * public Ingress or HTTPRoute). Behind a Cloudflare tunnel: `<tunnel-id>.cfargotunnel.com`, so
   * the records reach the tunnel and no port is opened at home.
   * @default - external-dns uses the address of the ingress controller or Gateway
   */
  readonly externalDnsTarget?: string;
  readonly gateway: GatewaySettings;
  /** @default - email unset: synth fails when a public route needs a certificate */
  readonly acme: AcmeSettings;
}

/** The pre-created Secret the default DNS-01 solver reads its Cloudflare API token from. */
export const CLOUDFLARE_API_TOKEN = { name: 'cloudflare-api-token', key: 'api-token' } as const;

export const ENTRY_POINT_DEFAULTS: EntryPointSettings = {
  routes: 'ingress',
  ingressClassName: 'traefik',
  gateway: {
    className: 'envoy',
    externalName: 'envoy-external',
    internalName: 'envoy-internal',
    externalTarget: 'external.example.com',
    internalTarget: 'internal.example.com',
  },
  acme: {
    email: '',
    issuerName: 'letsencrypt',
    server: 'https://acme-v02.api.letsencrypt.org/directory',
    solvers: [{ dns01: { cloudflare: { apiTokenSecretRef: { ...CLOUDFLARE_API_TOKEN } } } }],
  },
};

/** The entry-point settings: the defaults with the platform's overrides merged in. */
export function entryPointSettings(overrides: Overrides<EntryPointSettings> = {}): EntryPointSettings {
  return withDefaults(ENTRY_POINT_DEFAULTS, overrides);
}
