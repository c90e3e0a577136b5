import { IConstruct } from 'constructs';
import { Duration, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { fail } from '../errors';
import { EnvMap, toKubeEnv } from '../k8s/env';
import { assertPinnedImage } from '../k8s/image';
import { assertPort, assertPortName } from '../k8s/names';
import { Probe } from '../k8s/probe';
import { RunAs, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../k8s/security';
import { Mount, Volume } from '../k8s/volume';
import { providedByExternalSecret } from '../secrets/external-secret';
import { EXTERNAL_SECRETS_ANNOTATION } from '../k8s/declarations';
import type { GpuAllocation } from './gpu';
import { ResourcesProps, checkResources, toKubeResources } from './resources';

/** A named container port. */
export interface PortSpec {
  readonly name: string;
  readonly port: number;
}

/** One container of a pod, with everything "restricted" requires filled in. */
export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly resources: ResourcesProps;
  readonly ports?: PortSpec[];
  readonly command?: string[];
  readonly args?: string[];
  readonly env?: EnvMap;
  readonly mounts?: Mount[];
  readonly readiness?: Probe;
  readonly liveness?: Probe;
  readonly startup?: Probe;
  /** Port the probes use. @default the first port */
  readonly probePort?: string;
  /** Seconds the container sleeps on the way out, so endpoints drain before SIGTERM. */
  readonly preStopSleep?: Duration;
  /** @default true */
  readonly readOnlyRootFilesystem?: boolean;
  /** GPUs from a device plugin (`allocateGpu`); the pod then runs on that GPU's nodes only. @default - none */
  readonly gpu?: GpuAllocation;
}

/** How replicas are spread across nodes. */
export interface SpreadProps {
  /** Labels of the pods that count toward the spread. */
  readonly labels: Record<string, string>;
  /** Label whose value differs per rollout (`pod-template-hash` for Deployments), so only pods of one rollout are counted. */
  readonly rolloutLabelKey?: string;
}

/** Pod-level settings shared by every workload kind. */
export interface PodSpecProps {
  readonly containers: ContainerSpec[];
  readonly initContainers?: ContainerSpec[];
  readonly runAs?: RunAs;
  readonly terminationGracePeriod?: Duration;
  /** Spread replicas across nodes. */
  readonly spread?: SpreadProps;
  /** Host networking; only for the few workloads whose construct says why. */
  readonly hostNetwork?: boolean;
  readonly serviceAccountName?: string;
  /** Annotations of the pods, e.g. a checksum of their config so a change rolls them. */
  readonly annotations?: Record<string, string>;
  /** @default false: no workload talks to the API server unless it says so */
  readonly automountServiceAccountToken?: boolean;
}

/** Validates a container's props and renders it. */
export function renderContainer(scope: IConstruct, field: string, spec: ContainerSpec): k8s.Container {
  assertPinnedImage(scope, `${field}.image`, spec.image);
  checkResources(scope, `${field}.resources`, spec.resources);
  for (const [i, port] of (spec.ports ?? []).entries()) {
    assertPortName(scope, `${field}.ports[${i}].name`, port.name);
    assertPort(scope, `${field}.ports[${i}].port`, port.port);
  }
  const probePort = spec.probePort ?? spec.ports?.[0]?.name ?? '';
  return {
    name: spec.name,
    image: spec.image,
    command: spec.command,
    args: spec.args,
    env: toKubeEnv(spec.env),
    ports: spec.ports?.map(p => ({ name: p.name, containerPort: p.port })),
    resources: toKubeResources(spec.resources, spec.gpu),
    readinessProbe: spec.readiness?.toKube(probePort),
    livenessProbe: spec.liveness?.toKube(probePort),
    startupProbe: spec.startup?.toKube(probePort),
    lifecycle: spec.preStopSleep ? { preStop: { sleep: { seconds: spec.preStopSleep.toSeconds() } } } : undefined,
    securityContext: restrictedContainerSecurityContext(spec.readOnlyRootFilesystem ?? true),
    volumeMounts: spec.mounts?.map(m => ({
      name: m.volume.name,
      mountPath: m.path,
      readOnly: m.readOnly || undefined,
      subPath: m.subPath,
    })),
  };
}

/** Each volume the containers mount, once; two different volumes under one name are refused. */
function collectVolumes(scope: IConstruct, containers: ContainerSpec[]): k8s.Volume[] | undefined {
  const byName = new Map<string, Volume>();
  for (const mount of containers.flatMap(c => c.mounts ?? []).filter(m => !m.volume.fromClaimTemplate)) {
    const seen = byName.get(mount.volume.name);
    if (seen && JSON.stringify(seen.toKube()) !== JSON.stringify(mount.volume.toKube())) {
      fail(scope, 'mounts', `two different volumes are both named "${mount.volume.name}"`);
    }
    byName.set(mount.volume.name, mount.volume);
  }
  return byName.size ? [...byName.values()].map(v => v.toKube()) : undefined;
}

/** The Secrets the containers read, by name. */
function secretsRead(containers: ContainerSpec[]): string[] {
  const names = new Set<string>();
  for (const c of containers) {
    for (const value of Object.values(c.env ?? {})) if (typeof value !== 'string' && value.secretName) names.add(value.secretName);
    for (const m of c.mounts ?? []) if (m.volume.secretName) names.add(m.volume.secretName);
  }
  return [...names].sort();
}

/**
 * The Secrets read that no ExternalSecret of the app creates: none is ever rendered into git, so
 * each is declared as created outside the platform (by hand or by an operator), for the validator
 * and for reviewers. Resolved at synthesis, so credentials may be declared after the workloads.
 */
function externalSecretsAnnotation(scope: IConstruct, secrets: string[]) {
  return Lazy.any({
    produce: () => {
      const external = secrets.filter(name => !providedByExternalSecret(scope, name));
      return external.length ? external.join(',') : undefined;
    },
  });
}

/** A pod template with Pod Security "restricted" settings and the given labels. */
export function renderPodTemplate(scope: IConstruct, labels: Record<string, string>, props: PodSpecProps): k8s.PodTemplateSpec {
  const all = [...(props.initContainers ?? []), ...props.containers];
  const secrets = secretsRead(all);
  const gpus = all.flatMap(c => (c.gpu ? [c.gpu] : []));
  if (new Set(gpus.map(g => g.model)).size > 1) fail(scope, 'containers', `ask for GPUs of different models (${[...new Set(gpus.map(g => g.model))].join(', ')}); one pod runs on one node`);
  const gpu = gpus[0];
  const annotations = { ...props.annotations, ...(secrets.length ? { [EXTERNAL_SECRETS_ANNOTATION]: externalSecretsAnnotation(scope, secrets) } : {}) };
  return {
    metadata: { labels, annotations: Object.keys(annotations).length ? annotations : undefined },
    spec: {
      automountServiceAccountToken: props.automountServiceAccountToken ?? false,
      serviceAccountName: props.serviceAccountName,
      hostNetwork: props.hostNetwork || undefined,
      dnsPolicy: props.hostNetwork ? 'ClusterFirstWithHostNet' : undefined,
      securityContext: restrictedPodSecurityContext(props.runAs, gpu?.supplementalGroups),
      // The GPU's nodes; the device plugin hands over the device files, no hostPath needed.
      nodeSelector: gpu ? { ...gpu.nodeSelector } : undefined,
      runtimeClassName: gpu?.runtimeClassName,
      terminationGracePeriodSeconds: props.terminationGracePeriod?.toSeconds(),
      initContainers: props.initContainers?.map((c, i) => renderContainer(scope, `initContainers[${i}]`, c)),
      containers: props.containers.map((c, i) => renderContainer(scope, props.containers.length === 1 ? 'container' : `containers[${i}]`, c)),
      volumes: collectVolumes(scope, all),
      topologySpreadConstraints: props.spread
        ? [{
          maxSkew: 1,
          topologyKey: 'kubernetes.io/hostname',
          // Soft: a single-node cluster (seeds 000 and 004) must still schedule every replica.
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: props.spread.labels },
          matchLabelKeys: props.spread.rolloutLabelKey ? [props.spread.rolloutLabelKey] : undefined,
        }]
        : undefined,
    },
  };
}
