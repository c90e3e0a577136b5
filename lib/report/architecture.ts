import { formatCpu } from '../k8s/quantity';
import { Platform } from '../platform/platform';
import { PlatformModel, selects, Workload } from '../model';
import type { RenderedObject } from '../model/rendered';
import { upstreamSection } from '../upstream/registry';
import { RuleFinding, platformFinding } from '../validate/finding';
import { Budget, budgetOf, gib } from './budget';
import { firstHost, isAllowed } from './reachability';

/** The report, and what in it must fail synthesis. */
export interface ArchitectureReport {
  readonly markdown: string;
  readonly problems: RuleFinding[];
}

// Larger platforms get the list of declared connections but no matrix.
const MAX_MATRIX = 40;

const id = (w: { namespace: string; name: string }) => `${w.namespace}__${w.name}`.replace(/[^A-Za-z0-9_]/g, '_');

function diagram(platform: Platform, model: PlatformModel, workloads: Workload[]): string[] {
  const lines = ['```mermaid', 'flowchart LR', '  internet((Internet))'];
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
  const behind = (ns: string, serviceName: string) => {
    const svc = model.service(ns, serviceName);
    return svc ? workloads.filter(w => w.namespace === ns && selects(svc.spec?.selector, w.labels)) : [];
  };
  // Ingresses first, then HTTPRoutes, each in file order: one line per host (Ingress) or route rule (HTTPRoute).
  const backends = model.routeBackends.filter(b => b.hosts.length);
  for (const b of backends.filter(x => x.kind === 'Ingress')) {
    for (const w of behind(b.namespace, b.service)) lines.push(`  internet -->|"${b.hosts[0]} (Ingress)"| ${id(w)}`);
  }
  for (const b of backends.filter(x => x.kind === 'HTTPRoute')) {
    for (const w of behind(b.namespace, b.service)) lines.push(`  internet -->|"${b.hosts.join(', ')} (HTTPRoute via ${b.via.join(', ')})"| ${id(w)}`);
  }
  for (const svc of model.services.filter(s => s.spec?.type === 'NodePort')) {
    for (const w of behind(svc.metadata.namespace!, svc.metadata.name)) {
      lines.push(`  internet -->|"NodePort ${(svc.spec?.ports ?? []).map(p => p.nodePort).filter(Boolean).join(', ')}"| ${id(w)}`);
    }
  }
  for (const tunnel of platform.declarations.tunnels.items) {
    lines.push(`  internet -->|"${tunnel.hostnames.join(', ')} (Cloudflare Tunnel)"| ${id({ namespace: tunnel.namespace, name: tunnel.identity.name })}`);
  }
  for (const c of platform.connections) lines.push(`  ${id(c.from)} -->|${c.port}| ${id(c.to)}`);
  lines.push('```');
  return lines;
}

function budgetTable(budget: Budget): string[] {
  // One column per GPU resource, only when something asks for or offers GPUs.
  const gpuCells = (gpus: Record<string, number>) => budget.gpuResources.map(g => ` ${gpus[g] ?? 0} |`).join('');
  const row = (label: string, r: Budget['total']) =>
    `| ${label} | ${formatCpu(r.requests.cpu)} | ${formatCpu(r.limits.cpu)} | ${gib(r.requests.memory)} | ${gib(r.limits.memory)} |${gpuCells(r.gpus)}`;
  const lines = [
    `| app | namespace | CPU requests | CPU limits | memory requests | memory limits |${budget.gpuResources.map(g => ` \`${g}\` |`).join('')}`,
    `| --- | --- | ---: | ---: | ---: | ---: |${budget.gpuResources.map(() => ' ---: |').join('')}`,
    ...budget.rows.map(r => row(`\`${r.app}\` | ${r.namespace}`, r)),
    row('**total** |', budget.total),
  ];
  if (budget.capacity) {
    const pct = (a: number, b: number) => `${Math.round((100 * a) / b)}%`;
    const gpus = budget.gpuResources.map(g => ` ${budget.capacity!.gpus[g] ?? 0} (${budget.total.gpus[g] ?? 0} used) |`).join('');
    lines.push(`| **capacity** | | ${formatCpu(budget.capacity.cpu)} (${pct(budget.total.requests.cpu, budget.capacity.cpu)} requested) | | ${gib(budget.capacity.memory)} (${pct(budget.total.requests.memory, budget.capacity.memory)} requested) | |${gpus}`);
  }
  return lines;
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
    'Generated by `npm run synth` from the constructs; do not edit. Argo CD never reads this file: it sits outside every app folder.',
    '',
    '## Map',
    '',
    'Categories, apps and their namespaces, the ways in from outside, and the connections the charts declare.',
    '',
    ...diagram(platform, model, workloads),
    '',
    '## Resource budget',
    '',
    'Per app: pods (autoscaler maximum, DaemonSets once per node, one run of each CronJob) times the requests and limits of their containers, and the GPUs they hold (a GPU column per device plugin resource, when any node has GPUs).',
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
    lines.push('', 'Declared connections out of the pod network, each with its reason. Nothing else reaches the internet; besides these, only CloudNativePG\'s instances, poolers and Jobs reach the API server, as their instance manager must:', '');
    lines.push('| from | to | port | why |', '| --- | --- | ---: | --- |');
    for (const c of external) {
      const to = c.to === 'internet' ? 'the internet (not the private ranges)' : 'the Kubernetes API server';
      lines.push(`| ${c.from.namespace}/${c.from.name} | ${to} | ${c.to === 'internet' ? c.port ?? 443 : platform.network.apiServerPort} | ${c.reason} |`);
    }
  }
  if (workloads.length <= MAX_MATRIX) {
    lines.push('', 'Which workloads may open a connection to which (on any of the destination\'s ports):', '');
    lines.push(`| from \\ to | ${workloads.map(w => `${w.namespace}/${w.name}`).join(' | ')} |`, `| --- |${workloads.map(() => ' :---: |').join('')}`);
    for (const from of workloads) {
      const cells = workloads.map(to => (from === to ? '' : to.ports.some(p => isAllowed(policies, from, to, p.port)) ? '✓' : '·'));
      lines.push(`| ${from.namespace}/${from.name} | ${cells.join(' | ')} |`);
    }
  }
  lines.push(...upstreamSection(platform));
  return { markdown: `${lines.join('\n')}\n`, problems };
}
