import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { resolveProps } from '../config';
import { fail } from '../errors';
import { IMAGES } from '../images';
import { ComponentIdentity, selectorLabels, standardLabels } from '../k8s/labels';
import { assertDnsLabel, assertHostname } from '../k8s/names';
import { Probe } from '../k8s/probe';
import { Volume } from '../k8s/volume';
import { declareAlerts } from '../monitoring/declarations';
import { gpuWorkloadAlerts } from '../monitoring/gpu-alerts';
import { Routes } from '../networking/routes';
import { AppChart } from '../platform/app-chart';
import { ConnectionTarget, ServiceEndpoint, externalConnection } from '../platform/connections';
import { Platform } from '../platform/platform';
import { VolumeClaim } from '../storage/volume-claim';
import { allocateGpu, GpuAllocation, GpuRequest } from '../workloads/gpu';
import { renderPodTemplate } from '../workloads/pod';
import { ResourcesProps } from '../workloads/resources';

export interface OllamaProps {
  /** Name of the Deployment, Service and claim prefix. @default OLLAMA_DEFAULTS.name ('ollama') */
  readonly name?: string;
  /** @default OLLAMA_DEFAULTS.image (IMAGES.ollamaRocm: Ollama built with ROCm, for AMD GPUs) */
  readonly image?: string;
  /** The GPU it runs on: a model declared in `PLATFORM_SETTINGS.capacity.gpus`. */
  readonly gpu: GpuRequest;
  /**
   * Models pulled before the server starts (`ollama pull`), e.g. `llama3`; the pod is Ready only
   * once they are on the models volume.
   * @default OLLAMA_DEFAULTS.models (none)
   */
  readonly models?: string[];
  /**
   * Requests and limits of the server.
   * @default OLLAMA_DEFAULTS.resources: requests 1 CPU / 8Gi, limits 8 CPU / 48Gi (seed 004: an iGPU's memory is system RAM)
   */
  readonly resources?: ResourcesProps;
  /** Size of the models volume. @default OLLAMA_DEFAULTS.modelsStorage ('30Gi', seed 004) */
  readonly modelsStorage?: string;
  /** @default - the cluster's default class (local-path on K3s) */
  readonly storageClassName?: string;
  /**
   * Hostnames of an internal route (LAN and VPN only); the API has no authentication, so it is never public.
   * @default - reachable inside the cluster only
   */
  readonly internalHostnames?: string[];
}

export const OLLAMA_DEFAULTS = {
  name: 'ollama',
  image: IMAGES.ollamaRocm,
  port: 11434,
  resources: { requests: { cpu: '1', memory: '8Gi' }, limits: { cpu: '8', memory: '48Gi' } } as ResourcesProps,
  modelsStorage: '30Gi',
  models: [] as string[],
  /** The puller only downloads: a little CPU and memory. */
  pullResources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } } as ResourcesProps,
  /** `GET /api/tags` lists the local models: answered once the server is up. */
  readiness: Probe.http('/api/tags', { initialDelay: Duration.seconds(5), period: Duration.seconds(10) }),
  /** `GET /` answers "Ollama is running"; generous, since a model load keeps the server busy. */
  liveness: Probe.http('/', { initialDelay: Duration.seconds(30), period: Duration.seconds(30), timeout: Duration.seconds(5), failureThreshold: 5 }),
  /** Where the models volume is mounted; also HOME, so the server's key (~/.ollama) persists. */
  dataDir: '/var/lib/ollama',
} as const;

/** `ollama pull` of each model, against a server started for it on localhost; stops it after. */
export function pullScript(models: readonly string[]): string {
  return [
    'set -eu',
    'ollama serve &',
    'server=$!',
    'until ollama list >/dev/null 2>&1; do sleep 1; done',
    ...models.map(m => `ollama pull '${m}'`),
    'kill "$server"',
    'wait "$server" || true',
  ].join('\n');
}

/** The endpoint of the Ollama server of app `app`, for clients in other charts (`connectsToEndpoint`). */
export function ollamaEndpoint(app: string, namespace = app, name: string = OLLAMA_DEFAULTS.name): ServiceEndpoint {
  return {
    to: { name, app, component: 'llm', namespace },
    port: OLLAMA_DEFAULTS.port,
    url: `http://${name}.${namespace}.svc.cluster.local:${OLLAMA_DEFAULTS.port}`,
  };
}

// An Ollama model name: [registry/][namespace/]model[:tag].
const MODEL_NAME = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*){0,2}(:[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

/**
 * Ollama, an LLM server, on one GPU: a single pod replaced with `Recreate` (the GPU cannot be shared
 * with a surge pod), its models on a volume Argo CD never prunes, the GPU and its device files from
 * the vendor's device plugin (Pod Security stays "restricted"). The models named are pulled from
 * the Ollama registry before the server starts, so the pod declares its one way out, HTTPS.
 * Declares the GPU restart alerts (a segfault is seed 004's exit 139).
 * @see https://github.com/ollama/ollama/blob/main/docs/docker.md
 */
export class Ollama extends Construct implements ConnectionTarget {
  public readonly name: string;
  public readonly identity: ComponentIdentity;
  public readonly port: number = OLLAMA_DEFAULTS.port;
  public readonly gpu: GpuAllocation;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  /** The claim the models live on. */
  public readonly modelsVolume: VolumeClaim;
  public readonly routes?: Routes;

  constructor(scope: Construct, id: string, props: OllamaProps) {
    super(scope, id);
    const chart = AppChart.of(this);
    const p = resolveProps(OLLAMA_DEFAULTS, props);
    this.name = assertDnsLabel(this, 'name', p.name);
    this.identity = { name: this.name, app: chart.appName, component: 'llm' };
    const models = p.models;
    models.forEach((m, i) => { if (!MODEL_NAME.test(m)) fail(this, `models[${i}]`, `"${m}" is not an Ollama model name (model[:tag])`); });
    if (new Set(models).size !== models.length) fail(this, 'models', 'names a model twice');
    this.gpu = allocateGpu(this, 'gpu', p.gpu);

    const labels = standardLabels(this.identity);
    const metadata = { name: this.name, labels };
    this.modelsVolume = new VolumeClaim(this, 'Models', {
      name: `${this.name}-models`,
      size: p.modelsStorage,
      storageClassName: p.storageClassName,
      owner: this.identity,
    });
    const data = { volume: this.modelsVolume.volume('models'), path: OLLAMA_DEFAULTS.dataDir };
    const tmp = { volume: Volume.emptyDir('tmp'), path: '/tmp' };
    const env = {
      HOME: OLLAMA_DEFAULTS.dataDir,
      OLLAMA_MODELS: `${OLLAMA_DEFAULTS.dataDir}/models`,
    };
    const image = p.image;

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata,
      spec: {
        replicas: 1,
        selector: { matchLabels: selectorLabels(this.identity) },
        // One GPU: the old pod must let go of it before the new one can start.
        strategy: { type: 'Recreate' },
        template: renderPodTemplate(this, labels, {
          initContainers: models.length
            ? [{
              name: 'pull-models',
              image,
              command: ['/bin/sh', '-c', pullScript(models)],
              env: { ...env, OLLAMA_HOST: '127.0.0.1:11434' },
              mounts: [data, tmp],
              resources: OLLAMA_DEFAULTS.pullResources,
            }]
            : undefined,
          containers: [{
            name: this.name,
            image,
            ports: [{ name: 'http', port: this.port }],
            env: { ...env, OLLAMA_HOST: `0.0.0.0:${this.port}`, ...this.gpu.env },
            mounts: [data, tmp],
            resources: p.resources,
            gpu: this.gpu,
            readiness: OLLAMA_DEFAULTS.readiness,
            liveness: OLLAMA_DEFAULTS.liveness,
          }],
        }),
      },
    });
    this.service = new k8s.KubeService(this, 'Service', {
      metadata,
      spec: { selector: selectorLabels(this.identity), ports: [{ name: 'http', port: this.port, targetPort: k8s.IntOrString.fromString('http') }] },
    });

    if (p.internalHostnames?.length) {
      p.internalHostnames.forEach((h, i) => assertHostname(this, `internalHostnames[${i}]`, h));
      this.routes = new Routes(this, 'Routes', {
        hostnames: p.internalHostnames,
        exposure: 'internal',
        component: this.identity.component,
        backend: { service: this.name, port: this.port, target: this },
      });
    }
    if (models.length) {
      Platform.of(this).addExternalConnection(externalConnection(this, 'internet', `pulls the models ${models.join(', ')} from the Ollama registry (registry.ollama.ai and its CDN) before the server starts`), this);
    }
    declareAlerts(this, config => gpuWorkloadAlerts({ namespace: chart.namespace, container: this.name }, config));
  }

  /** `http://<service>.<namespace>.svc.cluster.local:<port>`, for clients in other namespaces (`OLLAMA_HOST`). */
  public get clusterUrl(): string {
    return `http://${this.name}.${AppChart.of(this).namespace}.svc.cluster.local:${this.port}`;
  }
}
