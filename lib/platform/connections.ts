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
export function connection(from: IConstruct & { identity: ComponentIdentity }, to: ConnectionTarget): Connection {
  return {
    from: { ...from.identity, namespace: AppChart.of(from).namespace },
    to: { ...to.identity, namespace: AppChart.of(to).namespace },
    port: to.port,
  };
}
