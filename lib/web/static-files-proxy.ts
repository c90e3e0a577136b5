import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { resolveProps } from '../config';
import { fail } from '../errors';
import { IMAGES } from '../images';
import { standardLabels } from '../k8s/labels';
import { Probe } from '../k8s/probe';
import { Volume } from '../k8s/volume';
import { VolumeClaim } from '../storage/volume-claim';
import { ResourcesProps } from '../workloads/resources';
import { WebService } from './web-service';
import { checksum } from '../k8s/checksum';
import { renderNginxConf } from '../networking/nginx-config';

/** Every default of `StaticFilesProxy`; its props' `@default`s name these values (seed 000's NGINX). */
export const STATIC_FILES_PROXY_DEFAULTS = {
  replicas: 1,
  image: IMAGES.nginx,
  clientMaxBodySize: '20m',
  /** Of each of `staticMounts`. */
  staticMount: { maxAge: Duration.hours(1) },
  resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '250m', memory: '128Mi' } } as ResourcesProps,
};

/** Files served straight from a volume under a URL prefix. */
export interface StaticMount {
  readonly urlPath: string;
  readonly claim: VolumeClaim;
  /** @default STATIC_FILES_PROXY_DEFAULTS.staticMount.maxAge (1 hour) */
  readonly maxAge?: Duration;
}

export interface StaticFilesProxyProps {
  /** @default the construct id */
  readonly name?: string;
  /** The app server that answers everything else. */
  readonly upstream: WebService;
  readonly staticMounts: StaticMount[];
  /** @default STATIC_FILES_PROXY_DEFAULTS.replicas (1, seed 000) */
  readonly replicas?: number;
  /** @default STATIC_FILES_PROXY_DEFAULTS.image (IMAGES.nginx) */
  readonly image?: string;
  /** @default STATIC_FILES_PROXY_DEFAULTS.clientMaxBodySize ('20m') */
  readonly clientMaxBodySize?: string;
  /** @default STATIC_FILES_PROXY_DEFAULTS.resources (requests 50m / 32Mi, limits 250m / 128Mi) */
  readonly resources?: ResourcesProps;
}

const LISTEN_PORT = 8080;
const HEALTH_PATH = '/healthz';

/**
 * NGINX in front of an app server (seed 000): serves URL prefixes such as /static/ and /media/
 * read-only from volumes and proxies the rest.
 */
export class StaticFilesProxy extends Construct {
  public readonly web: WebService;
  public readonly nginxConf: string;

  constructor(scope: Construct, id: string, props: StaticFilesProxyProps) {
    super(scope, id);
    const p = resolveProps(STATIC_FILES_PROXY_DEFAULTS, props);
    const name = p.name ?? id;
    p.staticMounts.forEach((m, i) => {
      if (!/^\/([^/]+\/)+$/.test(m.urlPath)) fail(this, `staticMounts[${i}].urlPath`, `"${m.urlPath}" must start and end with /`);
    });
    const mounts = p.staticMounts.map((m, i) => ({ ...resolveProps(STATIC_FILES_PROXY_DEFAULTS.staticMount, m), volumeName: `files-${i}`, folder: `/srv/files-${i}` }));
    this.nginxConf = renderNginxConf({
      listenPort: LISTEN_PORT,
      upstream: `${p.upstream.name}:${p.upstream.servicePort}`,
      clientMaxBodySize: p.clientMaxBodySize,
      healthPath: HEALTH_PATH,
      locations: mounts.map(m => ({ urlPath: m.urlPath, folder: m.folder, maxAgeSeconds: m.maxAge.toSeconds() })),
    });
    const configName = `${name}-config`;
    const health = Probe.http(HEALTH_PATH, { period: Duration.seconds(10) });

    this.web = new WebService(this, 'Web', {
      name,
      component: 'proxy',
      image: p.image,
      port: LISTEN_PORT,
      replicas: p.replicas,
      // The official unprivileged image runs as nginx (UID 101).
      runAs: { user: 101, group: 101 },
      resources: p.resources,
      readiness: health,
      liveness: health.withTimings({ initialDelay: Duration.seconds(10), period: Duration.seconds(20), failureThreshold: 5 }),
      preStopSleep: Duration.seconds(5),
      podAnnotations: { 'checksum/config': checksum(this.nginxConf) },
      mounts: [
        { volume: Volume.configMap('config', configName), path: '/etc/nginx/nginx.conf', subPath: 'nginx.conf', readOnly: true },
        { volume: Volume.emptyDir('tmp'), path: '/tmp' },
        ...mounts.map(m => ({ volume: m.claim.volume(m.volumeName), path: m.folder, readOnly: true })),
      ],
    });

    this.web.connectsTo(p.upstream);

    new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: { name: configName, labels: standardLabels(this.web.identity) },
      data: { 'nginx.conf': this.nginxConf },
    });
  }
}
