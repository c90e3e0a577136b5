import { parseQuantity } from '../../../k8s/quantity';
import { ValidationContext } from '../../context';
import { Subject } from '../../finding';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import { asKind, PodSpec } from '../../../model/kube';
import { ContainerAt, DNS_LABEL, containersAt, isIanaServiceName, isPortNumber, podSpecPath } from './fields';

// Kubernetes 1.34+ (RelaxedEnvironmentVariableValidation, GA): any printable ASCII but '='.
const ENV_NAME = /^[\x20-\x3c\x3e-\x7e]+$/;

/** Container names: present and unique across init, app and ephemeral containers. */
function checkContainerNames(ctx: ValidationContext, subject: Subject, containers: ContainerAt[]): void {
  const seen = new Map<string, string>();
  for (const { container, path } of containers) {
    if (!container.name) continue;
    if (container.name.length > 63 || !DNS_LABEL.test(container.name)) ctx.report(subject, 'api.container-names', `${path}.name: "${container.name}" is not a DNS-1123 label (lowercase letters, digits and '-', at most 63)`);
    const first = seen.get(container.name);
    if (first) ctx.report(subject, 'api.container-names', `${path}.name: duplicate container name "${container.name}" (also ${first})`);
    else seen.set(container.name, path);
  }
}

/** Container ports: numbers in range, names unique across the pod (Services and probes resolve them). */
function checkContainerPorts(ctx: ValidationContext, subject: Subject, containers: ContainerAt[]): void {
  const names = new Map<string, string>();
  for (const { container, path } of containers) {
    (container.ports ?? []).forEach((port, i) => {
      const at = `${path}.ports[${i}]`;
      if (!isPortNumber(port.containerPort)) ctx.report(subject, 'api.container-ports', `${at}.containerPort: ${port.containerPort} must be between 1 and 65535`);
      if (port.hostPort !== undefined && !isPortNumber(port.hostPort)) ctx.report(subject, 'api.container-ports', `${at}.hostPort: ${port.hostPort} must be between 1 and 65535`);
      if (!port.name) return;
      const first = names.get(port.name);
      if (first) ctx.report(subject, 'api.container-ports', `${at}.name: duplicate port name "${port.name}" in the pod (also ${first})`);
      else names.set(port.name, at);
    });
  }
}

/** Environment variable names, and envFrom prefixes, as Kubernetes 1.35 accepts them. */
function checkEnvNames(ctx: ValidationContext, subject: Subject, containers: ContainerAt[]): void {
  for (const { container, path } of containers) {
    (container.env ?? []).forEach((env, i) => {
      if (typeof env.name !== 'string' || !ENV_NAME.test(env.name)) ctx.report(subject, 'api.env-names', `${path}.env[${i}].name: "${env.name}" is not a valid environment variable name (printable ASCII characters other than '=')`);
      if (!env.valueFrom) return;
      if (env.value !== undefined && env.value !== '') ctx.report(subject, 'api.env-names', `${path}.env[${i}].valueFrom: may not be set when value is not empty (${env.name})`);
      const sources = Object.keys(env.valueFrom);
      if (sources.length !== 1) ctx.report(subject, 'api.env-names', `${path}.env[${i}].valueFrom: must set exactly one source, found ${sources.length ? sources.join(', ') : 'none'} (${env.name})`);
    });
    (container.envFrom ?? []).forEach((from, i) => {
      if (from.prefix !== undefined && from.prefix !== '' && !ENV_NAME.test(from.prefix)) ctx.report(subject, 'api.env-names', `${path}.envFrom[${i}].prefix: "${from.prefix}" is not a valid environment variable name prefix (printable ASCII characters other than '=')`);
    });
  }
}

/** Volume names unique; every mount names a volume of the pod, at a path no other mount of the container uses. */
function checkVolumeMounts(ctx: ValidationContext, subject: Subject, spec: PodSpec, containers: ContainerAt[]): void {
  const volumes = new Set<string | undefined>();
  (spec.volumes ?? []).forEach((volume, i) => {
    if (typeof volume.name !== 'string' || volume.name.length > 63 || !DNS_LABEL.test(volume.name)) ctx.report(subject, 'api.volume-mounts', `${podSpecPath(subject.manifest.kind)}.volumes[${i}].name: "${volume.name}" is not a DNS-1123 label (lowercase letters, digits and '-', at most 63)`);
    if (volumes.has(volume.name)) ctx.report(subject, 'api.volume-mounts', `${podSpecPath(subject.manifest.kind)}.volumes[${i}].name: duplicate volume name "${volume.name}"`);
    volumes.add(volume.name);
  });
  // A StatefulSet's claim templates are volumes of its pods too.
  for (const claim of asKind(subject.manifest, 'StatefulSet')?.spec?.volumeClaimTemplates ?? []) volumes.add(claim.metadata?.name);
  for (const { container, path } of containers) {
    const paths = new Set<string>();
    (container.volumeMounts ?? []).forEach((mount, i) => {
      const at = `${path}.volumeMounts[${i}]`;
      if (!volumes.has(mount.name)) ctx.report(subject, 'api.volume-mounts', `${at}.name: volume "${mount.name}" is not a volume of the pod`);
      if (paths.has(mount.mountPath)) ctx.report(subject, 'api.volume-mounts', `${at}.mountPath: "${mount.mountPath}" is mounted twice in container ${container.name}`);
      paths.add(mount.mountPath);
    });
  }
}

/** Requests never above limits (the API server compares them as quantities). */
function checkRequestsWithinLimits(ctx: ValidationContext, subject: Subject, containers: ContainerAt[]): void {
  for (const { container, path } of containers) {
    const { requests = {}, limits = {} } = container.resources ?? {};
    for (const [resource, request] of Object.entries(requests)) {
      const limit: string | number | undefined = limits[resource];
      if (limit === undefined) continue;
      const r = parseQuantity(String(request));
      const l = parseQuantity(String(limit));
      if (r !== undefined && l !== undefined && r > l) ctx.report(subject, 'api.resource-limits', `${path}.resources.requests.${resource}: ${request} must be less than or equal to the ${resource} limit (${limit})`);
    }
  }
}

const HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const AT_LEAST_ONE = ['periodSeconds', 'timeoutSeconds', 'successThreshold', 'failureThreshold'];

/** Probes: one handler, positive timings, successThreshold 1 for liveness and startup probes. */
function checkProbes(ctx: ValidationContext, subject: Subject, containers: ContainerAt[]): void {
  for (const { container, path } of containers) {
    for (const probeName of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      const probe = container[probeName] as (IProbe & Record<string, unknown>) | undefined;
      if (!probe) continue;
      const at = `${path}.${probeName}`;
      const report = (message: string) => ctx.report(subject, 'api.probes', `${at}${message}`);
      const handlers = HANDLERS.filter(h => probe[h] !== undefined);
      if (handlers.length !== 1) report(`: must specify exactly one handler (${HANDLERS.join(', ')}), found ${handlers.length ? handlers.join(', ') : 'none'}`);
      const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
      if (typeof port === 'number' && !isPortNumber(port)) report(`.${probe.httpGet ? 'httpGet' : probe.tcpSocket ? 'tcpSocket' : 'grpc'}.port: ${port} must be between 1 and 65535`);
      if (typeof port === 'string' && (probe.grpc || !isIanaServiceName(port))) report(`.${probe.grpc ? 'grpc' : probe.httpGet ? 'httpGet' : 'tcpSocket'}.port: "${port}" must be ${probe.grpc ? 'a port number' : 'a port number or an IANA service name'}`);
      if (probe.initialDelaySeconds !== undefined && probe.initialDelaySeconds < 0) report(`.initialDelaySeconds: ${probe.initialDelaySeconds} must be non-negative`);
      for (const field of AT_LEAST_ONE) {
        const value = probe[field];
        if (value !== undefined && (value as number) < 1) report(`.${field}: ${value} must be at least 1`);
      }
      if (probeName !== 'readinessProbe' && probe.successThreshold !== undefined && probe.successThreshold !== 1) report(`.successThreshold: ${probe.successThreshold} must be 1 for a ${probeName}`);
      if (probeName === 'readinessProbe' && probe.terminationGracePeriodSeconds !== undefined) report('.terminationGracePeriodSeconds: must not be set for a readinessProbe');
      if (probe.terminationGracePeriodSeconds !== undefined && probe.terminationGracePeriodSeconds < 1) report(`.terminationGracePeriodSeconds: ${probe.terminationGracePeriodSeconds} must be at least 1`);
    }
  }
}

/** What the API server refuses in a pod spec beyond its schema. */
export function checkPodSpecs(ctx: ValidationContext): void {
  for (const subject of ctx.index.objects) {
    const template = ctx.index.podOf(subject)?.template;
    if (!template?.spec) continue;
    const containers = containersAt(subject, template.spec);
    checkContainerNames(ctx, subject, containers);
    checkContainerPorts(ctx, subject, containers);
    checkEnvNames(ctx, subject, containers);
    checkVolumeMounts(ctx, subject, template.spec, containers);
    checkRequestsWithinLimits(ctx, subject, containers);
    checkProbes(ctx, subject, containers);
  }
}
