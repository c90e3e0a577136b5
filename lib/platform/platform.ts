import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Overrides } from '../config';
import { PlatformError } from '../errors';
import { EntryPointSettings, entryPointSettings } from '../networking/entry-points';
import { SecretStoreSettings, secretStoreSettings } from '../secrets/secret-store';
import type { AppChart } from './app-chart';
import type { Connection } from './connections';
import type { OperatorRequirement } from './operator';

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

/** The schedulable capacity of the cluster, as Kubernetes quantities. */
export interface NodeCapacity {
  /** @default 1 */
  readonly nodes?: number;
  /** CPU of one node, e.g. `16`. */
  readonly cpuPerNode: string;
  /** Memory of one node, e.g. `64Gi`. */
  readonly memoryPerNode: string;
}

/**
 * The root of the construct tree: the settings every chart shares, and the registry of app charts
 * from which the GitOps layer (argocd/) is derived.
 */
export class Platform extends App {
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
  public readonly entryPoints: EntryPointSettings;
  public readonly secretStore: SecretStoreSettings;
  private readonly registered: AppChart[] = [];
  private readonly edges: Connection[] = [];
  private readonly required = new Map<string, { operator: OperatorRequirement; by: string }>();

  constructor(settings: PlatformSettings) {
    // The cdk8s outdir is unused: synthesis renders in memory and writes dist/ itself.
    super({ outdir: '.cdk8s.out' });
    this.repoURL = settings.repoURL;
    this.targetRevision = settings.targetRevision ?? 'main';
    this.argocdNamespace = settings.argocdNamespace ?? 'argocd';
    this.destinationServer = settings.destinationServer ?? 'https://kubernetes.default.svc';
    this.capacity = settings.capacity;
    this.entryPoints = entryPointSettings(settings.entryPoints);
    this.secretStore = secretStoreSettings(settings.secretStore);
  }

  /** Declares that one component connects to another; the report draws it and checks it is reachable. */
  public addConnection(edge: Connection): void {
    this.edges.push(edge);
  }

  /** Every declared connection, in declaration order. */
  public get connections(): Connection[] {
    return [...this.edges];
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
    const clash = this.registered.find(a => a.appName === chart.appName || a.namespace === chart.namespace);
    if (clash) {
      const what = clash.appName === chart.appName ? `app name "${chart.appName}"` : `namespace "${chart.namespace}"`;
      throw new PlatformError(`${chart.node.path}: ${what} is already used by ${clash.node.path}; Argo CD needs one Application and one namespace per app`);
    }
    this.registered.push(chart);
  }

  /**
   * Records that `by` needs `operator` (and what it requires) installed. Requiring one operator
   * many times is fine; two different definitions under one name are refused.
   */
  public requireOperator(by: IConstruct, operator: OperatorRequirement): void {
    for (const dependency of operator.requires ?? []) this.requireOperator(by, dependency);
    const seen = this.required.get(operator.name);
    if (seen && JSON.stringify(seen.operator) !== JSON.stringify(operator)) {
      throw new PlatformError(`${by.node.path}: operator "${operator.name}" is already required by ${seen.by} with another definition (chart ${seen.operator.chart} ${seen.operator.version})`);
    }
    if (!seen) this.required.set(operator.name, { operator, by: by.node.path });
  }

  /** Every operator some construct requires, by name. */
  public get operators(): OperatorRequirement[] {
    return [...this.required.values()].map(r => r.operator).sort((a, b) => a.name.localeCompare(b.name));
  }
}
