import { Construct } from 'constructs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fail } from '../errors';
import { assertPinnedImage, parseImage } from '../k8s/image';
import type { Container } from '../model';
import { Routes } from '../networking/routes';
import { AppChart } from '../platform/app-chart';
import { Platform } from '../platform/platform';
import { REPO_ROOT } from '../paths';
import { runTimeSecret } from '../secrets/external-secret';
import { EXTERNAL_SECRETS_ANNOTATION } from '../k8s/declarations';
import { Manifests } from '../upstream/manifests';
import { argocdCommandParameters, argocdConfigData, argocdRbacData } from './argocd-settings';

/** Where scripts/vendor-argocd.sh puts the install manifests of each version. */
export const ARGOCD_VENDOR_DIR = 'vendor/manifests';
const VENDOR_COMMAND = 'scripts/vendor-argocd.sh';

export interface ArgoCdInstallProps {
  /** The Argo CD image, pinned (`quay.io/argoproj/argocd:vX.Y.Z`); its tag picks the install manifests. */
  readonly image: string;
  /** The Redis image of those manifests, pinned. */
  readonly redisImage: string;
  /**
   * The UI's hostname on the LAN (an internal route); its URL goes into argocd-cm.
   * @default - no route: reach the UI with `kubectl port-forward`
   */
  readonly hostname?: string;
  /**
   * The RBAC role of a logged-in user without another (the built-in admin stays admin).
   * @default 'role:readonly'
   */
  readonly defaultRole?: string;
  /**
   * Resources of each container, by `<workload>/<container>`, replacing the defaults for those given.
   * @default ARGOCD_RESOURCES
   */
  readonly resources?: Record<string, Container['resources']>;
}

const cpuMemory = (cpu: string, memory: string, cpuLimit: string, memoryLimit: string): Container['resources'] =>
  ({ requests: { cpu, memory }, limits: { cpu: cpuLimit, memory: memoryLimit } });

/**
 * Requests and limits for a homelab's few dozen Applications (upstream sets none): the
 * controller holds the cluster's cache, the repo-server renders and clones.
 */
export const ARGOCD_RESOURCES: Readonly<Record<string, Container['resources']>> = {
  'argocd-application-controller/argocd-application-controller': cpuMemory('250m', '512Mi', '2', '1Gi'),
  'argocd-applicationset-controller/argocd-applicationset-controller': cpuMemory('50m', '64Mi', '500m', '256Mi'),
  'argocd-repo-server/copyutil': cpuMemory('10m', '32Mi', '100m', '64Mi'),
  'argocd-repo-server/argocd-repo-server': cpuMemory('100m', '256Mi', '1', '1Gi'),
  'argocd-server/argocd-server': cpuMemory('50m', '128Mi', '500m', '256Mi'),
  'argocd-redis/secret-init': cpuMemory('10m', '32Mi', '100m', '64Mi'),
  'argocd-redis/redis': cpuMemory('50m', '64Mi', '250m', '128Mi'),
};

/** Readiness probes upstream leaves out, and the ports they need declared. */
const READINESS: Readonly<Record<string, Partial<Container>>> = {
  // Its probe endpoint registers no check, so it answers 404; its metrics answer once it runs.
  'argocd-applicationset-controller/argocd-applicationset-controller': {
    readinessProbe: { httpGet: { path: '/metrics', port: 'metrics' }, periodSeconds: 10 },
  },
  'argocd-redis/redis': { readinessProbe: { tcpSocket: { port: 6379 }, periodSeconds: 10 } },
};

const PORTS = { repoServer: 8081, redis: 6379, server: 80 };

/** The Secret Redis's init container writes its generated password into, and who reads it. */
const REDIS_SECRET = 'argocd-redis';
const REDIS_CLIENTS = ['argocd-redis', 'argocd-repo-server', 'argocd-server', 'argocd-application-controller'];

/**
 * Argo CD itself, from its own install manifests of the pinned version (vendored by
 * scripts/vendor-argocd.sh from its Go module), as an app of the system layer: its settings
 * generated (argocd-cm, argocd-rbac-cm, argocd-cmd-params-cm), requests, limits and readiness
 * probes where upstream has none, Dex and the notifications controller left out, and upstream's
 * NetworkPolicies replaced by the platform's, derived from the connections declared here.
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/installation/
 */
export class ArgoCdInstall extends Construct {
  public readonly version: string;
  public readonly manifests: Manifests;

  constructor(scope: Construct, id: string, props: ArgoCdInstallProps) {
    super(scope, id);
    const app = AppChart.of(this);
    const platform = Platform.of(this);
    if (app.namespace !== platform.argocdNamespace) {
      fail(this, 'namespace', `Argo CD must run in the namespace the platform's Applications live in, "${platform.argocdNamespace}" (PlatformSettings.argocdNamespace), not "${app.namespace}"`);
    }
    assertPinnedImage(this, 'image', props.image);
    assertPinnedImage(this, 'redisImage', props.redisImage);
    this.version = parseImage(props.image).tag ?? '';
    const folder = `${ARGOCD_VENDOR_DIR}/argo-cd-${this.version}`;
    if (!fs.existsSync(path.join(REPO_ROOT, folder, 'install.yaml'))) {
      fail(this, 'image', `Argo CD ${this.version}'s install manifests are not vendored (${folder}/install.yaml); run \`${VENDOR_COMMAND}\` where the Go module proxy is reachable, and commit ${folder}`);
    }
    const settings = { url: props.hostname ? `https://${props.hostname}` : undefined, defaultRole: props.defaultRole ?? 'role:readonly' };
    const resources = { ...ARGOCD_RESOURCES, ...props.resources };
    const containers: Record<string, Partial<Container>> = {};
    for (const key of new Set([...Object.keys(resources), ...Object.keys(READINESS)])) {
      containers[key] = { ...READINESS[key], ...(resources[key] ? { resources: resources[key] } : {}) };
    }

    this.manifests = new Manifests(this, 'manifests', {
      path: `${folder}/install.yaml`,
      images: [props.image, props.redisImage],
      sourceNamespace: 'argocd',
      omit: [
        // Single sign-on and notifications are left out: the built-in admin logs in, and the
        // monitoring stack's alerts say when a sync fails.
        { labels: { 'app.kubernetes.io/name': 'argocd-dex-server' } },
        { labels: { 'app.kubernetes.io/name': 'argocd-notifications-controller' } },
        { kind: 'ConfigMap', name: 'argocd-notifications-cm' },
        { kind: 'Secret', name: 'argocd-notifications-secret' },
        { kind: 'Service', name: 'argocd-notifications-controller-metrics' },
        // The platform derives every NetworkPolicy from the connections declared below.
        { kind: 'NetworkPolicy' },
      ],
      containers,
      podAnnotations: Object.fromEntries(REDIS_CLIENTS.map(name => [name, { [EXTERNAL_SECRETS_ANNOTATION]: REDIS_SECRET }])),
      configMapData: {
        'argocd-cm': argocdConfigData(settings),
        'argocd-rbac-cm': argocdRbacData(settings),
        'argocd-cmd-params-cm': argocdCommandParameters(),
      },
    });

    runTimeSecret(this, REDIS_SECRET, 'the init container secret-init of Deployment argocd-redis, with a generated password');

    const workload = (name: string, port?: number) => this.manifests.workload(name, port === undefined ? {} : { port });
    const repoServer = workload('argocd-repo-server', PORTS.repoServer);
    const redis = workload('argocd-redis', PORTS.redis);
    const server = workload('argocd-server', 8080);
    workload('argocd-application-controller')
      .connectsTo(repoServer, redis)
      .connectsToKubernetesApi('applies and watches every synced object');
    workload('argocd-applicationset-controller')
      .connectsTo(repoServer)
      .connectsToKubernetesApi('creates and updates the Applications its generators produce');
    server.connectsTo(repoServer, redis).connectsToKubernetesApi('reads and changes Applications for the UI and CLI');
    repoServer.connectsTo(redis).connectsToInternet('clones the git repositories the Applications name');
    redis.connectsToKubernetesApi('its init container writes the generated password into Secret argocd-redis');
    if (props.hostname) {
      new Routes(this, 'routes', { hostnames: [props.hostname], exposure: 'internal', backend: { service: 'argocd-server', port: PORTS.server, target: server } });
    }
  }
}
