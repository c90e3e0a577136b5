import type { INetworkPolicySpec } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicySpec';
import { ValidationContext } from '../../context';
import { isIanaServiceName, isPortNumber } from './fields';

// The default --service-node-port-range of kube-apiserver (K3s keeps it).
const NODE_PORTS = { min: 30000, max: 32767 };

/** Service ports: ranges, names required and unique when several, no port and protocol twice. */
export function checkServicePorts(ctx: ValidationContext): void {
  for (const [subject, object] of ctx.index.typedOfKind('Service')) {
    const spec = object.spec ?? {};
    const ports = spec.ports ?? [];
    const names = new Map<string, number>();
    const numbers = new Map<string, number>();
    ports.forEach((port, i) => {
      const at = `spec.ports[${i}]`;
      const report = (message: string) => ctx.report(subject, 'api.service-ports', `${at}${message}`);
      if (!isPortNumber(port.port)) report(`.port: ${port.port} must be between 1 and 65535`);
      const target = port.targetPort;
      if (typeof target === 'number' && !isPortNumber(target)) report(`.targetPort: ${target} must be between 1 and 65535`);
      if (typeof target === 'string' && !isIanaServiceName(target)) report(`.targetPort: "${target}" must be a port number or an IANA service name`);
      if (port.nodePort !== undefined && spec.type !== 'NodePort' && spec.type !== 'LoadBalancer') report(`.nodePort: may not be set when spec.type is ${spec.type ?? 'ClusterIP'}`);
      else if (port.nodePort !== undefined && (port.nodePort < NODE_PORTS.min || port.nodePort > NODE_PORTS.max)) report(`.nodePort: ${port.nodePort} is not in the node port range ${NODE_PORTS.min}-${NODE_PORTS.max}`);
      if (ports.length > 1 && !port.name) report('.name: required when the Service has more than one port');
      if (port.name) {
        if (names.has(port.name)) report(`.name: duplicate port name "${port.name}" (also spec.ports[${names.get(port.name)}])`);
        else names.set(port.name, i);
      }
      const key = `${port.port}/${port.protocol ?? 'TCP'}`;
      if (numbers.has(key)) report(`: duplicate port ${key} (also spec.ports[${numbers.get(key)}])`);
      else numbers.set(key, i);
    });
  }
}

/** NetworkPolicy ports: numbers in range, names IANA service names, endPort only after a number below it. */
export function checkNetworkPolicyPorts(ctx: ValidationContext): void {
  for (const [subject, object] of ctx.index.typedOfKind('NetworkPolicy')) {
    const spec: INetworkPolicySpec = object.spec ?? { podSelector: {} };
    for (const direction of ['ingress', 'egress'] as const) {
      (spec[direction] ?? []).forEach((rule, r) => {
        (rule.ports ?? []).forEach((p, i) => {
          const at = `spec.${direction}[${r}].ports[${i}]`;
          const report = (message: string) => ctx.report(subject, 'api.networkpolicy-ports', `${at}${message}`);
          if (typeof p.port === 'number' && !isPortNumber(p.port)) report(`.port: ${p.port} must be between 1 and 65535`);
          if (typeof p.port === 'string' && !isIanaServiceName(p.port)) report(`.port: "${p.port}" must be a port number or an IANA service name`);
          if (p.endPort !== undefined) {
            if (typeof p.port !== 'number') report('.endPort: may only be set with a numeric port');
            else if (!isPortNumber(p.endPort) || p.endPort < p.port) report(`.endPort: ${p.endPort} must be between port (${p.port}) and 65535`);
          }
        });
      });
    }
  }
}

