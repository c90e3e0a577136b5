import { IConstruct } from 'constructs';
import { PlatformError } from '../errors';
import type { ComponentIdentity } from '../k8s/labels';
import type { Connection, ExternalConnection } from './connections';

/*
 * Everything the constructs declare for the platform to derive from, in one typed place. Constructs
 * only add to it; the derive phase (`Platform.derive`) reads it once every app chart exists, so
 * the order of the charts never matters. Lists keep a canonical order that does not depend on the
 * order the charts were created in.
 */

/** Declarations of one kind: each remembers the app it came from and whether the derive phase made it. */
class Entries<T> {
  private readonly list: { item: T; app?: AppKey; derived: boolean }[] = [];
  // Read once per app by several derivations: sorted once per change, or synthesis grows quadratically.
  private sorted: T[] | undefined;

  constructor(private readonly registry: DeclarationRegistry, private readonly what: string) {}

  public add(by: IConstruct, item: T, app?: AppKey): void {
    this.registry._checkOpen(by, this.what);
    this.list.push({ item, app, derived: this.registry.deriving });
    this.sorted = undefined;
  }

  /**
   * What the app charts declared, by app (category, then name; each app in declaration order),
   * then what the derive phase added, in the order it ran.
   */
  public get items(): T[] {
    this.sorted ??= this.order();
    return [...this.sorted];
  }

  private order(): T[] {
    const key = (a?: AppKey) => (a ? `${a.category}\u0000${a.name}` : '\uffff');
    const declared = this.list.filter(e => !e.derived).map((e, i) => ({ e, i }))
      .sort((a, b) => (key(a.e.app) < key(b.e.app) ? -1 : key(a.e.app) > key(b.e.app) ? 1 : a.i - b.i));
    return [...declared.map(x => x.e.item), ...this.list.filter(e => e.derived).map(e => e.item)];
  }
}

/** The category and name of the app a declaration belongs to, which orders declarations. */
export interface AppKey {
  readonly category: string;
  readonly name: string;
}

/** A workload other derivations need to find by role (the scraper, a log shipper, the tunnel). */
export interface DeclaredComponent {
  readonly identity: ComponentIdentity;
  readonly namespace: string;
  /** The construct that declared it. */
  readonly declaredBy: string;
}

/**
 * The platform's declarations. Monitoring declarations (alerts, dashboards, probes), routes and
 * credentials have typed registries of their own in their modules, kept here under a key.
 */
export class DeclarationRegistry {
  /** @internal set by Platform.derive while derivations run */
  public deriving = false;
  /** @internal set once the derive phase is over: nothing may be declared after it */
  public sealed = false;

  public readonly connections = new Entries<Connection>(this, 'a connection');
  public readonly externalConnections = new Entries<ExternalConnection>(this, 'an external connection');
  /** Pods that scrape every annotated pod (Prometheus). */
  public readonly scrapers = new Entries<DeclaredComponent>(this, 'a metrics scraper');
  /** Cloudflare tunnels and the hostnames each serves. */
  public readonly tunnels = new Entries<DeclaredComponent & { readonly hostnames: string[] }>(this, 'a tunnel');

  private readonly extensions = new Map<symbol, unknown>();

  /** A module's own typed registry (routes, monitoring, credentials), created on first use. */
  public extension<T>(key: symbol, create: () => T): T {
    if (!this.extensions.has(key)) this.extensions.set(key, create());
    return this.extensions.get(key) as T;
  }

  /** @internal refuses declarations once the derive phase is over: nothing would read them. */
  public _checkOpen(by: IConstruct, what: string): void {
    if (this.sealed) throw new PlatformError(`${by.node.path}: declares ${what} once the platform is derived, where nothing reads it; declare it in a chart's constructor`);
  }
}
