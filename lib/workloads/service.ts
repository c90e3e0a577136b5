import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { ComponentIdentity, selectorLabels, standardLabels } from '../k8s/labels';

export interface ServicePortSpec {
  readonly name: string;
  readonly port: number;
}

export interface ComponentServiceOptions {
  /** No cluster IP: DNS returns the pods, each as `<pod>.<service>`. @default false */
  readonly headless?: boolean;
  /** @default the component's name */
  readonly name?: string;
  /** Pods get DNS names before they are ready, so peers can find each other while starting. @default false */
  readonly publishNotReadyAddresses?: boolean;
}

/**
 * A Service for a component's pods, targeting their named ports. Headless for StatefulSets, whose
 * pods need stable DNS names (`<pod>.<service>`).
 */
export function componentService(scope: Construct, id: string, identity: ComponentIdentity, ports: ServicePortSpec[], options: ComponentServiceOptions = {}): k8s.KubeService {
  return new k8s.KubeService(scope, id, {
    metadata: { name: options.name ?? identity.name, labels: standardLabels(identity) },
    spec: {
      clusterIp: options.headless ? 'None' : undefined,
      publishNotReadyAddresses: options.publishNotReadyAddresses || undefined,
      selector: selectorLabels(identity),
      ports: ports.map(p => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name) })),
    },
  });
}
