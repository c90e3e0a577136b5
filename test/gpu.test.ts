import { spawnSync } from 'node:child_process';
import { k8s } from 'cdk8s-plus-30';
import { describe, expect, it } from 'vitest';
import { buildPlatform, PLATFORM_SETTINGS } from '../charts/platform';
import { OllamaChart } from '../charts/ollama';
import { Ollama, pullScript } from '../lib/ai/ollama';
import { gpuNodeShapes } from '../lib/cluster/nodes';
import { declaredShape, threeNodeShape } from '../lib/cluster/sync';
import { GitOpsChart } from '../lib/gitops/gitops-chart';
import { standardLabels } from '../lib/k8s/labels';
import { workloadsOf } from '../lib/model';
import { AMD_GPU_DEVICE_PLUGIN, GPU_DEVICE_PLUGINS, NVIDIA_DEVICE_PLUGIN } from '../lib/operators/gpu-device-plugins';
import { AppChart } from '../lib/platform/app-chart';
import { GPU_MODEL_LABEL, GPU_RESOURCES, GpuNodes, gpuPools, isGpuResource, vendorOf } from '../lib/platform/gpus';
import { NodeCapacity, Platform } from '../lib/platform/platform';
import { budgetOf } from '../lib/report/budget';
import type { Manifest } from '../lib/model/manifest';
import { render } from '../lib/synth/render';
import type { RenderedObject } from '../lib/model/rendered';
import { renderAndValidate } from '../lib/synth/synthesize';
import { PLATFORMS } from './support/platforms';
import { findingsOf } from './support/failures';
import { requireOperator } from '../lib/operators/require-operator';

const REPO = 'https://git.example.com/test/platform.git';
const IGPU: GpuNodes = { vendor: 'amd', model: 'gfx1103', nodes: 1, perNode: 1, deviceGroups: [44, 992] };
const capacity = (gpus: GpuNodes[], nodes = 1): NodeCapacity => ({ nodes, cpuPerNode: '16', memoryPerNode: '64Gi', gpus });

/** A platform of the given GPU nodes and charts, with argocd/ derived. */
function gpuPlatform(gpus: GpuNodes[], charts: ((p: Platform) => void)[], nodes = 1): Platform {
  const platform = new Platform({ repoURL: REPO, capacity: capacity(gpus, nodes) });
  for (const chart of charts) chart(platform);
  new GitOpsChart(platform);
  return platform;
}


/** A Deployment asking for GPUs in its limits by hand, without `allocateGpu`. */
function rawGpuDeployment(platform: Platform, resource: string, strategy: 'Recreate' | 'RollingUpdate' = 'Recreate'): void {
  const chart = new AppChart(platform, 'raw', { category: 'apps' });
  const labels = standardLabels({ name: 'raw', app: 'raw', component: 'server' });
  new k8s.KubeDeployment(chart, 'Deployment', {
    metadata: { name: 'raw', labels },
    spec: {
      replicas: 1,
      strategy: { type: strategy },
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'raw',
            image: 'docker.io/library/busybox:1.37.0',
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
            readinessProbe: { exec: { command: ['true'] } },
            resources: { requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('16Mi') }, limits: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('64Mi'), [resource]: k8s.Quantity.fromNumber(1) } },
          }],
        },
      },
    },
  });
}

type PodSpec = { nodeSelector?: Record<string, string>; runtimeClassName?: string; securityContext?: any; volumes?: any[]; hostNetwork?: boolean; hostPID?: boolean; containers: any[]; initContainers?: any[] };
const POD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];
const podSpecOf = (m: Manifest): PodSpec | undefined => (!POD_KINDS.includes(m.kind) ? undefined : m.kind === 'CronJob' ? (m as any).spec?.jobTemplate?.spec?.template?.spec : (m as any).spec?.template?.spec);
const gpuLimits = (spec: PodSpec) => [...(spec.containers ?? []), ...(spec.initContainers ?? [])].flatMap(c => Object.keys(c.resources?.limits ?? {}).filter(isGpuResource));

describe.each(PLATFORMS)('the GPU pods of %s', (_, build) => {
  const platform = build();
  const rendering = render(platform);
  const gpuObjects = rendering.objects.filter(o => podSpecOf(o.manifest) && gpuLimits(podSpecOf(o.manifest)!).length);
  const applications = rendering.objects.filter(o => o.manifest.kind === 'Application').map(o => o.manifest.metadata.name);

  it('run on nodes of a declared GPU model, with their vendor\'s device plugin installed by Argo CD', () => {
    expect(gpuObjects.length).toBe(platform.apps.filter(a => a.node.findAll().some(c => c instanceof Ollama)).length);
    for (const o of gpuObjects) {
      const spec = podSpecOf(o.manifest)!;
      const model = spec.nodeSelector?.[GPU_MODEL_LABEL];
      const pool = platform.gpus.find(p => p.model === model);
      expect(pool, `${o.constructPath}: nodeSelector ${GPU_MODEL_LABEL}`).toBeDefined();
      for (const resource of gpuLimits(spec)) {
        expect(resource).toBe(pool!.resource);
        expect(applications).toContain(GPU_DEVICE_PLUGINS[vendorOf(resource)!].name);
      }
      expect(spec.runtimeClassName).toBe(pool!.vendor === 'nvidia' ? 'nvidia' : undefined);
    }
  });

  it('stay "restricted": no privilege, no host namespaces, no hostPath; the device files come from the plugin', () => {
    for (const o of gpuObjects) {
      const spec = podSpecOf(o.manifest)!;
      expect((o.chart as AppChart).podSecurity.level, o.constructPath).toBe('restricted');
      expect(spec.hostNetwork ?? false).toBe(false);
      expect(spec.hostPID ?? false).toBe(false);
      expect((spec.volumes ?? []).filter(v => v.hostPath)).toEqual([]);
      expect(spec.securityContext.runAsNonRoot).toBe(true);
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        expect(c.securityContext.privileged ?? false).toBe(false);
        expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
        expect(c.securityContext.capabilities.drop).toEqual(['ALL']);
      }
    }
  });

  it('hold no more GPUs than the nodes have, even during a rollout (Recreate, never a surge pod)', () => {
    const workloads = workloadsOf(rendering.objects.filter(o => o.file.startsWith('dist/')), platform.capacity?.nodes ?? 1);
    for (const resource of Object.values(GPU_RESOURCES)) {
      const held = workloads.reduce((n, w) => n + (w.pods + w.surge) * (w.gpus[resource] ?? 0), 0);
      const offered = platform.gpus.filter(p => p.resource === resource).reduce((n, p) => n + p.nodes * p.perNode, 0);
      expect(held, resource).toBeLessThanOrEqual(offered);
    }
    for (const o of gpuObjects.filter(x => x.manifest.kind === 'Deployment')) expect((o.manifest as any).spec.strategy.type).toBe('Recreate');
  });

  it('keep their data on claims Argo CD never prunes or deletes', () => {
    for (const o of gpuObjects) {
      const claims = (podSpecOf(o.manifest)!.volumes ?? []).filter(v => v.persistentVolumeClaim).map(v => v.persistentVolumeClaim.claimName);
      for (const name of claims) {
        const pvc = rendering.objects.find(x => x.manifest.kind === 'PersistentVolumeClaim' && x.manifest.metadata.name === name && x.manifest.metadata.namespace === o.manifest.metadata.namespace);
        expect(pvc?.manifest.metadata.annotations?.['argocd.argoproj.io/sync-options'], name).toBe('Prune=false,Delete=false');
      }
    }
  });
});

describe('the ollama app (seed 004)', () => {
  const platform = buildPlatform();
  const rendering = render(platform);
  const objects = (app: string) => rendering.objects.filter(o => o.chart.outputDir.endsWith(`/${app}`));
  const find = (app: string, kindName: string) => objects(app).find(o => `${o.manifest.kind}/${o.manifest.metadata.name}` === kindName)?.manifest as any;
  const deployment = find('ollama', 'Deployment/ollama');
  const server = deployment.spec.template.spec.containers[0];

  it('is its own category, ai, with one pod replaced by Recreate on the pinned ROCm image', () => {
    expect(platform.apps.find(a => a.appName === 'ollama')?.category).toBe('ai');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    expect(server.image).toMatch(/^docker\.io\/ollama\/ollama:\d+\.\d+\.\d+-rocm$/);
  });

  it('asks for one amd.com/gpu on the gfx1103 node, with ROCm\'s override 11.0.0 and a 48Gi limit', () => {
    expect(server.resources.limits).toEqual({ 'amd.com/gpu': 1, cpu: '8', memory: '48Gi' });
    expect(server.resources.requests['amd.com/gpu']).toBeUndefined();
    expect(server.env).toContainEqual({ name: 'HSA_OVERRIDE_GFX_VERSION', value: '11.0.0' });
    expect(deployment.spec.template.spec.nodeSelector).toEqual({ [GPU_MODEL_LABEL]: 'gfx1103' });
    expect(deployment.spec.template.spec.securityContext.supplementalGroups).toEqual([44, 992]);
  });

  it('keeps its models on a 30Gi claim that Argo CD never prunes, pulled before the server starts', () => {
    const pvc = find('ollama', 'PersistentVolumeClaim/ollama-models');
    expect(pvc.spec.resources.requests.storage).toBe('30Gi');
    expect(pvc.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
    const pull = deployment.spec.template.spec.initContainers[0];
    expect(pull.command.join(' ')).toContain("ollama pull 'llama3'");
    expect(pull.resources.limits['amd.com/gpu']).toBeUndefined();
  });

  it('is ready when its API lists the models, and is routed on internal hostnames only', () => {
    expect(server.readinessProbe.httpGet).toEqual({ path: '/api/tags', port: 'http' });
    expect(find('ollama', 'Service/ollama').spec.ports).toEqual([{ name: 'http', port: 11434, targetPort: 'http' }]);
    const ingress = find('ollama', 'Ingress/ollama');
    expect(ingress.spec.tls).toBeUndefined();
    expect(ingress.metadata.annotations?.['external-dns.alpha.kubernetes.io/hostname']).toBeUndefined();
    expect(objects('ollama').filter(o => o.manifest.kind === 'Certificate')).toEqual([]);
  });

  it('is reached by the Bun blog\'s pods through a declared connection, and reaches out to the Ollama registry for a reason', () => {
    expect(platform.connections).toContainEqual({ from: expect.objectContaining({ namespace: 'bun-blog', name: 'blog' }), to: expect.objectContaining({ namespace: 'ollama', name: 'ollama' }), port: 11434 });
    expect(find('bun-blog', 'Deployment/blog').spec.template.spec.containers[0].env).toContainEqual({ name: 'OLLAMA_HOST', value: 'http://ollama.ollama.svc.cluster.local:11434' });
    const out = platform.externalConnections.filter(c => c.from.namespace === 'ollama');
    expect(out).toEqual([expect.objectContaining({ to: 'internet', reason: expect.stringContaining('llama3') })]);
  });

  it('pulls with a script the shell parses', () => {
    const result = spawnSync('sh', ['-n', '-c', pullScript(['llama3', 'qwen2.5:7b'])], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
  });

  it('installs AMD\'s device plugin from its pinned chart, in a namespace that says why it is privileged', () => {
    const app = rendering.objects.find(o => o.manifest.kind === 'Application' && o.manifest.metadata.name === AMD_GPU_DEVICE_PLUGIN.name)!.manifest as any;
    expect(app.spec.source.path).toBe(`dist/system/${AMD_GPU_DEVICE_PLUGIN.name}`);
    const plugin = rendering.objects.find(o => o.manifest.kind === 'DaemonSet' && o.manifest.metadata.namespace === AMD_GPU_DEVICE_PLUGIN.namespace)!;
    expect(plugin.origin).toMatch(/^chart amd-gpu 0\.21\.0: /);
    expect(podSpecOf(plugin.manifest)!.containers[0].image).toBe('docker.io/rocm/k8s-device-plugin:1.31.0.9');
    expect(app.spec.syncPolicy.managedNamespaceMetadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(app.metadata.annotations['platform.homelab/pod-security-reason']).toContain('hostPath');
    expect(rendering.objects.some(o => o.manifest.kind === 'Application' && o.manifest.metadata.name === NVIDIA_DEVICE_PLUGIN.name)).toBe(false);
  });
});

describe('GPU requests', () => {
  const ollamaOn = (model: string, image?: string) => (p: Platform) => new OllamaChart(p, 'llm', { gpu: { model }, ...(image ? { image } : {}) });

  it('on NVIDIA nodes: nvidia.com/gpu, the K3s nvidia RuntimeClass, NVIDIA\'s device plugin, no ROCm override', () => {
    const platform = gpuPlatform([{ vendor: 'nvidia', model: 'rtx3060' }], [ollamaOn('rtx3060', 'docker.io/ollama/ollama:0.32.15')]);
    const rendering = render(platform);
    const spec = podSpecOf(rendering.objects.find(o => o.manifest.kind === 'Deployment' && o.manifest.metadata.namespace === 'llm')!.manifest)!;
    expect(spec.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
    expect(spec.runtimeClassName).toBe('nvidia');
    expect(spec.containers[0].env.map((e: any) => e.name)).not.toContain('HSA_OVERRIDE_GFX_VERSION');
    const app = rendering.objects.find(o => o.manifest.kind === 'Application' && o.manifest.metadata.name === NVIDIA_DEVICE_PLUGIN.name)!.manifest as any;
    expect(app.spec.source.path).toBe(`dist/system/${NVIDIA_DEVICE_PLUGIN.name}`);
    const plugins = rendering.objects.filter(o => o.manifest.kind === 'DaemonSet' && o.manifest.metadata.namespace === NVIDIA_DEVICE_PLUGIN.namespace);
    // MPS sharing is not set up: its privileged control daemon is left out.
    expect(plugins.map(o => o.manifest.metadata.name)).toEqual(['nvidia-device-plugin']);
    expect(plugins[0].origin).toMatch(/^chart nvidia-device-plugin 0\.20\.0: /);
    expect(podSpecOf(plugins[0].manifest)!.runtimeClassName).toBe('nvidia');
  });

  it('take the ROCm override of the model, none for a model ROCm supports, or the one the capacity sets', () => {
    const envOf = (gpus: GpuNodes[], model: string) => {
      const platform = gpuPlatform(gpus, [ollamaOn(model)]);
      return podSpecOf(render(platform).objects.find(o => o.manifest.kind === 'Deployment')!.manifest)!.containers[0].env.find((e: any) => e.name === 'HSA_OVERRIDE_GFX_VERSION')?.value;
    };
    expect(envOf([IGPU], 'gfx1103')).toBe('11.0.0');
    expect(envOf([{ vendor: 'amd', model: 'gfx1100' }], 'gfx1100')).toBeUndefined();
    expect(envOf([{ vendor: 'amd', model: 'gfx1035', hsaOverrideGfxVersion: '10.3.0' }], 'gfx1035')).toBe('10.3.0');
  });

  it('refuse a GPU model no node has, naming the construct path and the declared models', () => {
    expect(() => gpuPlatform([IGPU], [ollamaOn('gfx1100')])).toThrow('llm/ollama: gpu.model: no node has a "gfx1100" GPU; declare it in PLATFORM_SETTINGS.capacity.gpus (declared: gfx1103)');
    expect(() => gpuPlatform([], [ollamaOn('gfx1103')])).toThrow('llm/ollama: gpu.model: no node has a "gfx1103" GPU; declare it in PLATFORM_SETTINGS.capacity.gpus (declared: none)');
  });

  it('refuse more GPUs in one pod than one node has', () => {
    const platform = new Platform({ repoURL: REPO, capacity: capacity([IGPU]) });
    const chart = new AppChart(platform, 'llm', { category: 'ai' });
    expect(() => new Ollama(chart, 'ollama', { gpu: { model: 'gfx1103', count: 2 } })).toThrow('llm/ollama: gpu.count: 2 GPUs in one pod, but a "gfx1103" node has 1; a pod\'s GPUs come from one node');
  });
});

describe('synthesis refuses GPU pods the cluster cannot run', () => {
  it('more GPU pods than GPUs: two Ollama apps on the one iGPU, each named by construct path', () => {
    const findings = findingsOf(() => gpuPlatform([IGPU], [p => new OllamaChart(p, 'llm-a'), p => new OllamaChart(p, 'llm-b', { internalHostnames: ['b.home.arpa'] })]));
    expect(findings).toEqual(['gpu-capacity pods ask for 2 amd.com/gpu but the nodes have 1 (PLATFORM_SETTINGS.capacity.gpus gfx1103: 1 node × 1): llm-a/ollama 1 pod × 1; llm-b/ollama 1 pod × 1']);
  });

  it('a GPU pod with no device plugin of its vendor: it would stay Pending', () => {
    const findings = findingsOf(() => gpuPlatform([IGPU], [p => rawGpuDeployment(p, 'amd.com/gpu')]));
    expect(findings).toEqual(['gpu-capacity raw: Deployment raw asks for amd.com/gpu, but no construct requires AMD ROCm GPU device plugin 1.31.0.9 (amd-gpu-device-plugin), so no node advertises it and its pods would stay Pending; ask for the GPU with allocateGpu(), which requires the device plugin']);
  });

  it('a GPU of a vendor no node has', () => {
    const findings = findingsOf(() => gpuPlatform([IGPU], [p => new OllamaChart(p, 'llm'), p => rawGpuDeployment(p, 'nvidia.com/gpu')]));
    expect(findings).toContain('gpu-capacity raw: Deployment raw asks for nvidia.com/gpu, but PLATFORM_SETTINGS.capacity.gpus declares no nvidia GPU nodes');
  });

  it('a rolling update of a GPU pod: its surge pod needs a second GPU', () => {
    const findings = findingsOf(() => gpuPlatform([IGPU], [p => { requireOperator(p, AMD_GPU_DEVICE_PLUGIN); rawGpuDeployment(p, 'amd.com/gpu', 'RollingUpdate'); }]));
    expect(findings).toEqual(['gpu-capacity pods ask for 2 amd.com/gpu but the nodes have 1 (PLATFORM_SETTINGS.capacity.gpus gfx1103: 1 node × 1): raw 2 pods × 1 (with 1 rollout surge pod: use the Recreate strategy)']);
  });

  it('GPU nodes declared wrong', () => {
    expect(() => gpuPools([IGPU, IGPU], 2)).toThrow('PLATFORM_SETTINGS.capacity.gpus[1].model: "gfx1103" is declared twice; give one entry per model');
    expect(() => gpuPools([{ ...IGPU, nodes: 2 }], 1)).toThrow('PLATFORM_SETTINGS.capacity.gpus: 2 GPU nodes declared, but the cluster has 1 node');
    expect(() => gpuPools([{ ...IGPU, perNode: 0 }], 1)).toThrow('PLATFORM_SETTINGS.capacity.gpus[0].perNode: must be a whole number of at least 1 (got 0)');
    expect(() => gpuPools([{ ...IGPU, vendor: 'intel' as any }], 1)).toThrow('PLATFORM_SETTINGS.capacity.gpus[0].vendor: "intel" is not one of amd, nvidia');
    expect(() => gpuPools([{ vendor: 'nvidia', model: 'rtx3060', hsaOverrideGfxVersion: '11.0.0' }], 1)).toThrow('PLATFORM_SETTINGS.capacity.gpus[0].hsaOverrideGfxVersion: is a ROCm setting; nvidia GPUs do not read it');
  });
});

describe('the GPU budget', () => {
  it('counts each app\'s GPUs against the GPU nodes, and shows them in the report', () => {
    const platform = buildPlatform();
    const rendering = render(platform);
    const workloads = workloadsOf(rendering.objects.filter((o: RenderedObject) => o.file.startsWith('dist/')), 1);
    const budget = budgetOf(workloads, platform.capacity, platform.gpus);
    const held = workloads.reduce((n, w) => n + w.pods * (w.gpus['amd.com/gpu'] ?? 0), 0);
    expect(budget.total.gpus['amd.com/gpu']).toBe(held);
    expect(budget.capacity?.gpus).toEqual({ 'amd.com/gpu': platform.gpus.reduce((n, p) => n + p.nodes * p.perNode, 0) });
    expect(budget.gpuResources).toEqual(['amd.com/gpu']);
    const { rendering: synthesized } = renderAndValidate(() => buildPlatform());
    const report = synthesized.files.get('dist/README.md')!;
    expect(report).toContain('| memory limits | `amd.com/gpu` |');
    expect(report).toContain(`| ${budget.capacity!.gpus['amd.com/gpu']} (${held} used) |`);
  });

  it('has no GPU column where nothing asks for or offers GPUs', () => {
    const budget = budgetOf([], { cpuPerNode: '4', memoryPerNode: '8Gi' }, []);
    expect(budget.gpuResources).toEqual([]);
  });
});

describe('the fake GPU nodes of the control-plane tests', () => {
  it('carry the declared GPUs as the device plugin would report them, on the first nodes', () => {
    for (const shape of [declaredShape(PLATFORM_SETTINGS.capacity), threeNodeShape(PLATFORM_SETTINGS.capacity)]) {
      const nodes = gpuNodeShapes(shape);
      const pools = gpuPools(shape.gpus, shape.count);
      expect(nodes.reduce((n, x) => n + Number(x.resources['amd.com/gpu'] ?? 0), 0)).toBe(pools.filter(p => p.vendor === 'amd').reduce((n, p) => n + p.nodes * p.perNode, 0));
      expect(nodes[0].labels[GPU_MODEL_LABEL]).toBe(pools[0]?.model);
    }
    expect(gpuNodeShapes({ count: 3, cpu: '4', memory: '8Gi', gpus: [{ vendor: 'nvidia', model: 'a', perNode: 2 }, { vendor: 'amd', model: 'b' }] })).toEqual([
      { labels: { [GPU_MODEL_LABEL]: 'a' }, resources: { 'nvidia.com/gpu': '2' } },
      { labels: { [GPU_MODEL_LABEL]: 'b' }, resources: { 'amd.com/gpu': '1' } },
      { labels: {}, resources: {} },
    ]);
  });
});
