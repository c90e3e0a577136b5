import { Routes } from '../networking/routes';
import { Platform } from '../platform/platform';
import { PlatformModel, RouteBackend, selects, Workload } from '../model';
import type { RenderedObject } from '../model/rendered';
import { upstreamSection } from '../upstream/registry';
import { RuleFinding, platformFinding } from '../validate/finding';
import { Budget, budgetOf, gib, millicores } from './budget';
import { firstHost, isAllowed } from './reachability';

/** The report, and what in it must fail synthesis. */
export interface ArchitectureReport {
  readonly markdown: string;
  readonly problems: RuleFinding[];
}

// Larger platforms get the list of declared connections but not every pair's reachability.
const MAX_REACHABILITY = 150;

const id = (w: { namespace: string; name: string }) => `${w.namespace}__${w.name}`.replace(/[^A-Za-z0-9_]/g, '_');

/** The widest line the report writes: wider content is wrapped or listed. */
export const REPORT_WIDTH = 160;

/**
 * `text` as a Markdown list item (`- ...`) or a paragraph, wrapped at spaces so that no line is
 * wider than `width`; list items continue on lines indented by two spaces.
 */
export function wrap(text: string, options: { item?: boolean; width?: number } = {}): string[] {
  const width = options.width ?? REPORT_WIDTH;
  const first = options.item ? '- ' : '';
  const next = options.item ? '  ' : '';
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(' ')) {
    const prefix = lines.length ? next : first;
    if (line.length > prefix.length && line.length + 1 + word.length > width) {
      lines.push(line);
      line = `${next}${word}`;
    } else line = line.length > prefix.length ? `${line} ${word}` : `${prefix}${word}`;
  }
  lines.push(line);
  return lines;
}

/** Whether a route is answered on the internet or only through the internal entry (LAN, VPN). */
type Entry = 'internet' | 'internal';

function diagram(platform: Platform, model: PlatformModel, workloads: Workload[]): string[] {
  // Declared routes say their exposure; an Ingress a chart renders is public when external-dns publishes it.
  const declared = new Map(Routes.declared(platform).map(r => [`${r.namespace}/${r.hostname}`, r.exposure === 'public' ? 'internet' as const : 'internal' as const]));
  const internalGateway = platform.entryPoints.gateway.internalName;
  const entryOf = (b: RouteBackend, host: string, annotated: boolean): Entry => {
    if (b.kind === 'HTTPRoute') return b.via.includes(internalGateway) ? 'internal' : 'internet';
    return declared.get(`${b.routeNamespace}/${host}`) ?? (annotated ? 'internet' : 'internal');
  };
  const edges: string[] = [];
  const behind = (ns: string, serviceName: string) => {
    const svc = model.service(ns, serviceName);
    return svc ? workloads.filter(w => w.namespace === ns && selects(svc.spec?.selector, w.labels)) : [];
  };
  // Ingresses first, then HTTPRoutes, each in file order: one line per host and workload.
  const backends = model.routeBackends.filter(b => b.hosts.length);
  for (const kind of ['Ingress', 'HTTPRoute'] as const) {
    for (const b of backends.filter(x => x.kind === kind)) {
      for (const host of b.hosts) {
        const entry = entryOf(b, host, b.published);
        const label = kind === 'Ingress' ? `${host} (Ingress)` : `${host} (HTTPRoute via ${b.via.join(', ')})`;
        for (const w of behind(b.namespace, b.service)) edges.push(`  ${entry} -->|"${label}"| ${id(w)}`);
      }
    }
  }
  for (const svc of model.services.filter(s => s.spec?.type === 'NodePort')) {
    for (const w of behind(svc.metadata.namespace!, svc.metadata.name)) {
      edges.push(`  internal -->|"NodePort ${(svc.spec?.ports ?? []).map(p => p.nodePort).filter(Boolean).join(', ')}"| ${id(w)}`);
    }
  }
  for (const tunnel of platform.declarations.tunnels.items) {
    for (const host of tunnel.hostnames) edges.push(`  internet -->|"${host} (Cloudflare Tunnel)"| ${id({ namespace: tunnel.namespace, name: tunnel.identity.name })}`);
  }
  const entries = [
    '  internet((Internet))',
    ...(edges.some(e => e.startsWith('  internal ')) ? [`  internal((LAN · internal entry${platform.entryPoints.routes === 'gateway-api' ? ` ${internalGateway}` : ''}))`] : []),
  ];
  const lines = ['```mermaid', 'flowchart LR', ...entries];
  for (const category of platform.categories) {
    lines.push(`  subgraph category_${category.replace(/-/g, '_')}["${category}"]`);
    for (const app of platform.apps.filter(a => a.category === category)) {
      lines.push(`    subgraph app_${id({ namespace: app.namespace, name: app.appName })}["${app.appName} · namespace ${app.namespace}${app.podSecurity.level === 'restricted' ? '' : ` · ${app.podSecurity.level}`}"]`);
      for (const w of workloads.filter(x => x.app === app.outputDir)) {
        lines.push(`      ${id(w)}["${w.name}<br/>${w.kind} ×${w.pods}"]`);
      }
      lines.push('    end');
    }
    lines.push('  end');
  }
  lines.push(...edges);
  for (const c of platform.connections) lines.push(`  ${id(c.from)} -->|${c.port}| ${id(c.to)}`);
  lines.push('```');
  return lines;
}

function budgetTable(budget: Budget): string[] {
  // One column per GPU resource, only when something asks for or offers GPUs.
  const gpuCells = (gpus: Record<string, number>) => budget.gpuResources.map(g => ` ${gpus[g] ?? 0} |`).join('');
  const row = (label: string, r: Budget['total']) =>
    `| ${label} | ${millicores(r.requests.cpu)} | ${millicores(r.limits.cpu)} | ${gib(r.requests.memory)} | ${gib(r.limits.memory)} |${gpuCells(r.gpus)}`;
  const lines = [
    `| app | namespace | CPU requests | CPU limits | memory requests | memory limits |${budget.gpuResources.map(g => ` \`${g}\` |`).join('')}`,
    `| --- | --- | ---: | ---: | ---: | ---: |${budget.gpuResources.map(() => ' ---: |').join('')}`,
    ...budget.rows.map(r => row(`\`${r.app}\` | ${r.namespace}`, r)),
    row('**total** |', budget.total),
  ];
  if (budget.capacity) {
    const pct = (a: number, b: number) => `${Math.round((100 * a) / b)}%`;
    const gpus = budget.gpuResources.map(g => ` ${budget.capacity!.gpus[g] ?? 0} (${budget.total.gpus[g] ?? 0} used) |`).join('');
    lines.push(`| **capacity** | | ${millicores(budget.capacity.cpu)} (${pct(budget.total.requests.cpu, budget.capacity.cpu)} requested) | | ${gib(budget.capacity.memory)} (${pct(budget.total.requests.memory, budget.capacity.memory)} requested) | |${gpus}`);
  }
  return lines;
}

/** `namespace/name` of a workload, as the reachability list names it. */
const workloadName = (w: { namespace: string; name: string }) => `${w.namespace}/${w.name}`;

/**
 * One line per pair of workloads whose pods may open a connection under the NetworkPolicies, with
 * the destination's ports they may use: a list that diffs edge by edge.
 */
export function reachabilityEdges(policies: PlatformModel['networkPolicies'], workloads: Workload[]): string[] {
  const edges: string[] = [];
  for (const from of workloads) {
    for (const to of workloads) {
      if (from === to) continue;
      const ports = [...new Set(to.ports.filter(p => isAllowed(policies, from, to, p.port)).map(p => p.port))].sort((a, b) => a - b);
      if (ports.length) edges.push(`- ${workloadName(from)} → ${workloadName(to)}: ${ports.join(', ')}`);
    }
  }
  return edges.sort();
}

/**
 * dist/README.md: a map of categories, apps, entry points and connections; the resource budget
 * against the declared capacity; and which declared connections the NetworkPolicies allow.
 */
export function architectureReport(platform: Platform, objects: RenderedObject[] | PlatformModel): ArchitectureReport {
  const nodes = platform.capacity?.nodes ?? 1;
  const model = objects instanceof PlatformModel ? objects : new PlatformModel(objects.filter(o => o.file.startsWith('dist/')), nodes);
  // A host-network pod's traffic carries its node's address.
  const nodeAddress = firstHost(platform.network.nodeCidr);
  const workloads = model.workloads.map(w => (w.hostNetwork ? { ...w, address: nodeAddress } : w));
  const budget = budgetOf(workloads, platform.capacity, platform.gpus);
  const policies = model.networkPolicies;
  const find = (c: { namespace: string; name: string }) => workloads.find(w => w.namespace === c.namespace && w.name === c.name);
  const problems = budget.overruns.map(overrun => platformFinding('capacity', overrun));

  const connectionRows = platform.connections.map(c => {
    const from = find(c.from);
    const to = find(c.to);
    const allowed = from && to ? isAllowed(policies, from, to, c.port) : false;
    if (!allowed) problems.push(platformFinding('connection-allowed', `connection ${c.from.namespace}/${c.from.name} -> ${c.to.namespace}/${c.to.name}:${c.port} is declared but ${from && to ? 'blocked by the NetworkPolicies' : 'has no workload at one end'}`));
    return `| ${c.from.namespace}/${c.from.name} | ${c.to.namespace}/${c.to.name} | ${c.port} | ${allowed ? 'allowed' : '**blocked**'} |`;
  });

  const lines = [
    '# Platform architecture',
    '',
    ...wrap('Generated by `npm run synth` from the constructs; do not edit. Argo CD never reads this file: it sits outside every app folder.'),
    '',
    '## Map',
    '',
    ...wrap('Categories, apps and their namespaces, the ways in (from the internet; from the LAN through the internal entry, for internal routes and NodePorts), and the connections the charts declare.'),
    '',
    ...diagram(platform, model, workloads),
    '',
    '## Resource budget',
    '',
    ...wrap('Per app: pods (autoscaler maximum, DaemonSets once per node, one run of each CronJob) times the requests and limits of their containers, and the GPUs they hold (a GPU column per device plugin resource, when any node has GPUs). CPU in millicores, memory in GiB.'),
    '',
    ...budgetTable(budget),
    '',
    '## Network reachability',
    '',
    policies.length
      ? `${policies.length} NetworkPolicies. Each declared connection, checked against them:`
      : 'No NetworkPolicies yet: every pod can reach every other pod. Each declared connection:',
    '',
    '| from | to | port | |',
    '| --- | --- | ---: | --- |',
    ...connectionRows,
  ];
  const external = platform.externalConnections;
  if (external.length) {
    lines.push('', ...wrap('Declared connections out of the pod network, each with its reason. Nothing else reaches the internet; besides these, only CloudNativePG\'s instances, poolers and Jobs reach the API server, as their instance manager must:'), '');
    for (const c of external) {
      const to = c.to === 'internet' ? 'the internet (not the private ranges)' : 'the Kubernetes API server';
      lines.push(...wrap(`${c.from.namespace}/${c.from.name} → ${to}, port ${c.to === 'internet' ? c.port ?? 443 : platform.network.apiServerPort}: ${c.reason}`, { item: true }));
    }
  }
  lines.push('', '### Reachable pairs', '');
  if (workloads.length <= MAX_REACHABILITY) {
    lines.push(...wrap('Every pair of workloads whose pods may open a connection under the NetworkPolicies, with the destination\'s ports they may use, whether declared or derived (monitoring, replication):'), '');
    lines.push(...reachabilityEdges(policies, workloads));
  } else {
    lines.push(`Not listed: ${workloads.length} workloads are more than the ${MAX_REACHABILITY} this report checks pair by pair; the declared connections above are each checked.`);
  }
  lines.push(...upstreamSection(platform));
  return { markdown: `${lines.join('\n')}\n`, problems };
}
