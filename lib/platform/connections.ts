import { IConstruct, Node } from 'constructs';
import { ComponentIdentity } from '../k8s/labels';
import { AppChart } from './app-chart';

/** Something other components connect to: a component with a port (database, cache, web service). */
export interface ConnectionTarget {
  /** Its place in the construct tree, which tells its namespace. */
  readonly node: Node;
  readonly identity: ComponentIdentity;
  /** The port clients use. */
  readonly port: number;
}

/** A declared edge: `from` opens connections to `to` on `port`. */
export interface Connection {
  readonly from: ComponentIdentity & { readonly namespace: string };
  readonly to: ComponentIdentity & { readonly namespace: string };
  readonly port: number;
}

/** The edge from one component to a target, with the namespaces of both. */
export function connection(from: { readonly node: Node; readonly identity: ComponentIdentity }, to: ConnectionTarget): Connection {
  return {
    from: { ...from.identity, namespace: AppChart.of(from).namespace },
    to: { ...to.identity, namespace: AppChart.of(to).namespace },
    port: to.port,
  };
}

/**
 * A component of another app, named rather than held: charts are created in any order, so one chart
 * connects to another's component through this. Synthesis fails when no workload answers to it.
 */
export interface ServiceEndpoint {
  readonly to: ComponentIdentity & { readonly namespace: string };
  readonly port: number;
  /** `http://<service>.<namespace>.svc.cluster.local:<port>` */
  readonly url: string;
}

/**
 * The endpoint of a workload of another app, named by its app (namespace), workload and port, for
 * `connectsToEndpoint`: `web.connectsToEndpoint(appEndpoint('miniflux', 'miniflux', 8080))`.
 * Synthesis fails when no workload of that name runs in that namespace.
 */
export function appEndpoint(app: string, workload: string, port: number, options: { readonly namespace?: string; readonly component?: string; readonly service?: string } = {}): ServiceEndpoint {
  const namespace = options.namespace ?? app;
  return {
    to: { name: workload, app, component: options.component ?? 'server', namespace },
    port,
    url: `http://${options.service ?? workload}.${namespace}.svc.cluster.local:${port}`,
  };
}

/** Something outside the cluster's pods a component connects to. */
export type ExternalPeer = 'internet' | 'kubernetes-api';

/**
 * A declared edge to outside the pods: the internet (on 443 unless a port is given) or the
 * Kubernetes API server. Nothing gets egress to either without one.
 */
export interface ExternalConnection {
  readonly from: ComponentIdentity & { readonly namespace: string };
  readonly to: ExternalPeer;
  /** Why it needs it, listed in dist/README.md for reviewers. */
  readonly reason: string;
  /** The internet's port (an SFTP server's 22, say). @default 443 */
  readonly port?: number;
}

/** The edge from one component to the internet (on `port`, default 443) or the API server. */
export function externalConnection(from: IConstruct & { identity: ComponentIdentity }, to: ExternalPeer, reason: string, port?: number): ExternalConnection {
  return { from: { ...from.identity, namespace: AppChart.of(from).namespace }, to, reason, ...(port !== undefined && port !== 443 ? { port } : {}) };
}
