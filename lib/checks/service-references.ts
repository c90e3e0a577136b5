import { IConstruct } from 'constructs';
import { firstHost, isAllowed } from '../report/reachability';
import { selects, ServiceAddress, Workload } from '../model';
import type { Manifest } from '../model/manifest';
import type { RenderedObject } from '../model/rendered';
import type { RenderedModel } from '../model/rendered';
import { HostReference, hostReferences, resolveService } from './hosts';
import { RenderedPod, fieldOf, ownerPath } from './pods';

type ServiceEntry = ServiceAddress<RenderedObject>;

/** What the check needs of the platform: the construct tree, the nodes and their range. */
export interface CheckedPlatform extends IConstruct {
  readonly capacity?: { readonly nodes?: number };
  readonly network: { readonly nodeCidr: string };
}

/** Text a pod's configuration holds, with the field a message names. */
interface Setting { readonly field: string; readonly text: string; readonly variable?: string }

/** Environment values, arguments, commands, and the files of the ConfigMaps it mounts. */
function settingsOf(pod: RenderedPod, configMaps: Map<string, Manifest>): Setting[] {
  const settings: Setting[] = [];
  for (const c of pod.containers) {
    for (const e of c.env ?? []) if (e.value) settings.push({ field: fieldOf(pod, c, `env.${e.name}`), text: e.value, variable: e.name });
    (c.command ?? []).forEach((text, i) => settings.push({ field: fieldOf(pod, c, `command[${i}]`), text }));
    (c.args ?? []).forEach((text, i) => settings.push({ field: fieldOf(pod, c, `args[${i}]`), text }));
  }
  for (const v of pod.volumes) {
    const names = [v.configMap?.name, ...(v.projected?.sources ?? []).map(s => s.configMap?.name)].filter((n): n is string => Boolean(n));
    for (const name of names) {
      const data = (configMaps.get(`${pod.namespace}/${name}`) as { data?: Record<string, string> } | undefined)?.data ?? {};
      for (const [key, text] of Object.entries(data)) settings.push({ field: `volume ${v.name}: ConfigMap ${name} (${key})`, text });
    }
  }
  return settings;
}

/** The nearest (or, with `outermost`, the farthest) construct at or above `path` that `test` accepts. */
function nearest(byPath: Map<string, IConstruct>, path: string, test: (c: IConstruct) => boolean, outermost = false): IConstruct | undefined {
  let found: IConstruct | undefined;
  for (let p = path; p; p = p.slice(0, Math.max(0, p.lastIndexOf('/')))) {
    const c = byPath.get(p);
    if (c && test(c)) {
      found = c;
      if (!outermost) break;
    }
  }
  return found;
}
const canConnect = (c: IConstruct) => typeof (c as { connectsTo?: unknown }).connectsTo === 'function';
const hasWorkloads = (c: IConstruct) => typeof (c as { workload?: unknown }).workload === 'function';
const isTarget = (c: IConstruct) => Boolean((c as { identity?: unknown }).identity) && typeof (c as { port?: unknown }).port === 'number';

/** Container ports a Service port leads to on one backend. */
function targetPorts(service: ServiceEntry, ref: HostReference, backend: Workload): number[] {
  const ports = ref.port === undefined ? service.ports : service.ports.filter(p => p.port === ref.port);
  return ports.flatMap(p => (typeof p.targetPort === 'number' ? [p.targetPort] : backend.ports.filter(bp => bp.name === p.targetPort).map(bp => bp.port)));
}

/**
 * Pods that name an in-platform Service (in env, arguments, commands or mounted config files) the
 * NetworkPolicies do not let them reach: a connection nobody declared, which would fail only once
 * deployed. One finding per pod, setting and Service.
 */
export function undeclaredConnections(platform: CheckedPlatform, model: RenderedModel): string[] {
  const nodeAddress = firstHost(platform.network.nodeCidr);
  const workloads = model.workloads.map(w => (w.hostNetwork ? { ...w, address: nodeAddress } : w));
  const policies = model.ofKind('NetworkPolicy').map(o => o.manifest);
  const serviceAt = new Map(model.serviceAddresses.map(s => [`${s.namespace}/${s.name}`, s]));
  const configMaps = new Map(model.ofKind('ConfigMap').map(o => [`${o.manifest.metadata.namespace}/${o.manifest.metadata.name}`, o.manifest]));
  const byPath = new Map(platform.node.findAll().map(c => [c.node.path, c]));
  const findings: string[] = [];

  for (const pod of model.pods) {
    const m = pod.object.manifest;
    const source = workloads.find(w => w.namespace === pod.namespace && w.kind === m.kind && w.name === m.metadata.name);
    if (!source) continue;
    for (const setting of settingsOf(pod, configMaps)) {
      const reported = new Set<string>();
      for (const ref of hostReferences(setting.text, setting.variable)) {
        const named = resolveService(ref, pod.namespace, (ns, name) => serviceAt.has(`${ns}/${name}`));
        const service = named && serviceAt.get(`${named.namespace}/${named.name}`)!;
        if (!service || reported.has(`${service.namespace}/${service.name}`)) continue;
        const backends = workloads.filter(w => w.namespace === service.namespace && selects(service.selector, w.labels));
        // A pod talking to its own Service (replicas, Sentinels) is its construct's business.
        if (!backends.length || backends.includes(source)) continue;
        const reachable = backends.some(b => targetPorts(service, ref, b).some(port => isAllowed(policies, source, b, port)));
        if (reachable || backends.every(b => targetPorts(service, ref, b).length === 0)) continue;
        reported.add(`${service.namespace}/${service.name}`);
        const backend = backends[0];
        findings.push(message(byPath, pod, setting, ref, service, { workload: backend.name, port: targetPorts(service, ref, backend)[0] ?? backend.ports[0]?.port }));
      }
    }
  }
  return findings;
}

function message(byPath: Map<string, IConstruct>, pod: RenderedPod, setting: Setting, ref: HostReference, service: ServiceEntry, backend: { workload: string; port?: number }): string {
  const from = nearest(byPath, ownerPath(pod.object), canConnect);
  // The outermost target is what a chart holds (the Postgres, not its pooler inside).
  const to = nearest(byPath, ownerPath(service.object), isTarget, true);
  const fromPath = from?.node.path ?? ownerPath(pod.object);
  const toPath = to?.node.path ?? ownerPath(service.object);
  const named = `${service.name}${service.namespace === pod.namespace ? '' : `.${service.namespace}`}${ref.port ? `:${ref.port}` : ''}`;
  // Objects rendered from a Helm chart or YAML declare connections through their workload's handle.
  const rendered = !from ? nearest(byPath, ownerPath(pod.object), hasWorkloads) : undefined;
  // Another app's component is named, not held (charts are built in any order): appEndpoint names it.
  const otherApp = service.namespace !== pod.namespace;
  const endpoint = `connectsToEndpoint(appEndpoint('${service.namespace}', '${backend.workload}', ${backend.port ?? '<port>'}))`;
  const target = otherApp ? endpoint : to ? `connectsTo(${to.node.id})` : undefined;
  const source = from ? from.node.id : rendered ? `${rendered.node.id}.workload('${pod.object.manifest.metadata.name}')` : undefined;
  const fix = source && target ? `add ${source}.${target}${otherApp ? " (appEndpoint from 'lib/platform/connections')" : ''}`
    : `declare a connection from ${fromPath} to ${toPath} on the construct that runs its pods: .connectsTo(<the target construct>) in the same app, .${endpoint} for another app's (appEndpoint from 'lib/platform/connections')`;
  return `${fromPath}: ${setting.field}: names Service ${named} (${toPath}), but no declared connection lets its pods reach it, so the NetworkPolicies block the traffic; ${fix}`;
}
