import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Overrides } from '../config';
import { PlatformError } from '../errors';
import { EntryPointSettings, entryPointSettings } from './entry-point-settings';
import { SecretStoreSettings, secretStoreSettings } from './secret-store-settings';
import type { AppChart, AppRegistry } from './app-chart';
import type { Connection, ExternalConnection } from './connections';
import { DERIVE_PHASES, Derivation, DerivePhase } from './derive';
import { GpuNodes, GpuPool, gpuPools } from './gpus';
import { AppKey, DeclarationRegistry } from './registry';

/** Where Argo CD finds this repository and which cluster it deploys to: set here and nowhere else. */
export interface PlatformSettings {
  /** Git URL of this repository, as Argo CD clones it. */
  readonly repoURL: string;
  /** Branch, tag or commit Argo CD follows. @default 'main' */
  readonly targetRevision?: string;
  /** Namespace Argo CD runs in. @default 'argocd' */
  readonly argocdNamespace?: string;
  /** API server of the cluster the apps go to. @default 'https://kubernetes.default.svc' */
  readonly destinationServer?: string;
  /**
   * What the nodes offer; synthesis fails when the apps request more.
   * @default - not checked
   */
  readonly capacity?: NodeCapacity;
  /**
   * The cluster's address ranges, which the NetworkPolicies name.
   * @default K3S_NETWORK: K3s's defaults and a 192.168.0.0/24 LAN
   */
  readonly network?: ClusterNetwork;
  /**
   * How declared routes are rendered (Ingress or Gateway API), the Gateways, and the Let's Encrypt
   * account of the ClusterIssuer.
   * @default - ENTRY_POINT_DEFAULTS: Traefik Ingresses (K3s, seed 004); no ACME email
   */
  readonly entryPoints?: Overrides<EntryPointSettings>;
  /**
   * The ClusterSecretStore every ExternalSecret reads from.
   * @default - SECRET_STORE_DEFAULTS: a 1Password vault `homelab` (seed 003)
   */
  readonly secretStore?: Overrides<SecretStoreSettings>;
}

/** Address ranges and system components of the cluster, as NetworkPolicies need them. */
export interface ClusterNetwork {
  /** Pod CIDR (K3s: `--cluster-cidr`, 10.42.0.0/16); node N's flannel gateway is 10.42.N.0/31. */
  readonly podCidr: string;
  /** Addresses of the nodes themselves (the LAN they sit on). */
  readonly nodeCidr: string;
  /** Port the API server listens on at the nodes' addresses (K3s: 6443). */
  readonly apiServerPort: number;
  /** Namespace and pod labels of the cluster DNS (K3s: CoreDNS, `k8s-app: kube-dns`). */
  readonly dns: { readonly namespace: string; readonly podLabels: Record<string, string> };
  /** Namespace and pod labels of the pods that proxy Ingress and Gateway API traffic (K3s: Traefik in kube-system). */
  readonly ingressController: { readonly namespace: string; readonly podLabels: Record<string, string> };
}

/** K3s's defaults (flannel, CoreDNS, Traefik) on a 192.168.0.0/24 LAN (seed 003). */
export const K3S_NETWORK: ClusterNetwork = {
  podCidr: '10.42.0.0/16',
  nodeCidr: '192.168.0.0/24',
  apiServerPort: 6443,
  dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } },
  ingressController: { namespace: 'kube-system', podLabels: { 'app.kubernetes.io/name': 'traefik' } },
};

/** The schedulable capacity of the cluster, as Kubernetes quantities. */
export interface NodeCapacity {
  /** @default 1 */
  readonly nodes?: number;
  /** CPU of one node, e.g. `16`. */
  readonly cpuPerNode: string;
  /** Memory of one node, e.g. `64Gi`. */
  readonly memoryPerNode: string;
  /**
   * The GPUs some of the nodes carry. Pods that ask for a GPU must name a model declared here;
   * synthesis fails when they ask for more than the nodes have.
   * @default - no GPU nodes
   */
  readonly gpus?: GpuNodes[];
}

/**
 * The root of the construct tree: the settings every chart shares, the app charts, and the one
 * registry of what their constructs declare. Synthesis calls `derive()` once every app chart
 * exists: the derived content (tunnel rules, Gateways, monitoring config, NetworkPolicies, quotas,
 * argocd/) is computed there, so app charts may be created in any order.
 */
export class Platform extends App implements AppRegistry {
  public static of(construct: IConstruct): Platform {
    const root = construct.node.root;
    if (!(root instanceof Platform)) {
      throw new PlatformError(`${construct.node.path}: is not inside a Platform`);
    }
    return root;
  }

  public readonly repoURL: string;
  public readonly targetRevision: string;
  public readonly argocdNamespace: string;
  public readonly destinationServer: string;
  public readonly capacity?: NodeCapacity;
  /** The GPU node groups of `capacity`, defaults resolved. */
  public readonly gpus: GpuPool[];
  public readonly network: ClusterNetwork;
  public readonly entryPoints: EntryPointSettings;
  public readonly secretStore: SecretStoreSettings;
  /** What the constructs declare, for the derive phase. */
  public readonly declarations = new DeclarationRegistry();
  private readonly registered: AppChart[] = [];
  private readonly derivations: Derivation[] = [];
  private derivedPhase?: DerivePhase | 'done';

  constructor(settings: PlatformSettings) {
    // The cdk8s outdir is unused: synthesis renders in memory and writes dist/ itself.
    super({ outdir: '.cdk8s.out' });
    this.repoURL = settings.repoURL;
    this.targetRevision = settings.targetRevision ?? 'main';
    this.argocdNamespace = settings.argocdNamespace ?? 'argocd';
    this.destinationServer = settings.destinationServer ?? 'https://kubernetes.default.svc';
    this.capacity = settings.capacity;
    this.gpus = gpuPools(settings.capacity?.gpus, settings.capacity?.nodes ?? 1);
    this.network = settings.network ?? K3S_NETWORK;
    this.entryPoints = entryPointSettings(settings.entryPoints);
    this.secretStore = secretStoreSettings(settings.secretStore);
  }

  /** Declares that one component connects to another; the report draws it and checks it is reachable. */
  public addConnection(edge: Connection, by: IConstruct = this): void {
    this.declarations.connections.add(by, edge, this.appKey(edge.from.namespace));
  }

  /** Every declared connection: the app charts' (by app), then the derived ones. */
  public get connections(): Connection[] {
    return this.declarations.connections.items;
  }

  /** Declares that a component needs the internet (443) or the API server; policies allow nothing else outside. */
  public addExternalConnection(edge: ExternalConnection, by: IConstruct = this): void {
    this.declarations.externalConnections.add(by, edge, this.appKey(edge.from.namespace));
  }

  /** Every declared connection to the internet or the API server: the app charts' (by app), then the derived ones. */
  public get externalConnections(): ExternalConnection[] {
    return this.declarations.externalConnections.items;
  }

  /** Every app chart, ordered by category then name. */
  public get apps(): AppChart[] {
    return [...this.registered].sort((a, b) => a.category.localeCompare(b.category) || a.appName.localeCompare(b.appName));
  }

  /** The categories in use, sorted. */
  public get categories(): string[] {
    return [...new Set(this.registered.map(a => a.category))].sort();
  }

  /** @internal called by AppChart's constructor */
  public _register(chart: AppChart): void {
    // The operators the apps require become apps of the system layer in their own phase.
    if (this.derivedPhase && !(this.derivedPhase === 'operators' && chart.clusterScope)) {
      throw new PlatformError(`${chart.node.path}: app charts are created before synthesis derives the platform, not during it`);
    }
    const clash = this.registered.find(a => a.appName === chart.appName || a.namespace === chart.namespace);
    if (clash) {
      const what = clash.appName === chart.appName ? `app name "${chart.appName}"` : `namespace "${chart.namespace}"`;
      throw new PlatformError(`${chart.node.path}: ${what} is already used by ${clash.node.path}; Argo CD needs one Application and one namespace per app`);
    }
    this.registered.push(chart);
  }

  /** The derive phase running, 'done' after it, undefined before. */
  public get derivePhase(): DerivePhase | 'done' | undefined {
    return this.derivedPhase;
  }

  /**
   * Runs `derive` in `phase` of the derive phase, after every app chart exists. Within a phase,
   * derivations run in construct-path order, never in the order they were registered.
   */
  public onDerive(scope: IConstruct, phase: DerivePhase, derive: () => void): void {
    if (this.derivedPhase) throw new PlatformError(`${scope.node.path}: registers a derivation during synthesis; register it in a constructor`);
    this.derivations.push({ path: scope.node.path, phase, derive });
  }

  /** Whether the derive phase has run. */
  public get derived(): boolean {
    return this.derivedPhase === 'done';
  }

  /**
   * The derive phase: computes everything cross-cutting from the registry and the app charts, in
   * the fixed order of DERIVE_PHASES. Synthesis calls it; it runs once, later calls do nothing.
   */
  public derive(): void {
    if (this.derivedPhase) return;
    const declarations = this.declarations;
    declarations.deriving = true;
    try {
      for (const phase of DERIVE_PHASES) {
        this.derivedPhase = phase;
        const due = this.derivations.filter(d => d.phase === phase).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
        for (const d of due) d.derive();
      }
    } finally {
      this.derivedPhase = 'done';
      declarations.deriving = false;
      declarations.sealed = true;
    }
  }

  private appKey(namespace: string): AppKey | undefined {
    const app = this.registered.find(a => a.namespace === namespace);
    return app ? { category: app.category, name: app.appName } : undefined;
  }
}
