/**
 * Every mistake a user can make in a chart is a PlatformError naming where it is (the construct
 * path and the field, or the setting), which synthesis reports with exit 2 and no stack trace
 * (test/platform-checks.test.ts runs the CLI for that). One row per throw site of the constructs'
 * folders: the table drives each site, and the last test finds every `fail(` and `throw new` in
 * those folders and checks a row reaches it (by the error's stack). The tools under lib/upstream
 * (the chart cache, `npm run charts:pull`, the pinned Helm) are driven with scratch chart caches, a
 * chart repository on 127.0.0.1 and a checkout whose Helm cannot be built.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Chart, Duration } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonitoringChart } from '../charts/monitoring';
import { UrlShortenerChart } from '../charts/url-shortener';
import { Ollama } from '../lib/ai/ollama';
import { PgBouncer } from '../lib/data/pgbouncer';
import { Postgres, PostgresProps } from '../lib/data/postgres';
import { PostgresBackup, PostgresBackupProps } from '../lib/data/postgres-backup';
import { PostgresInstance } from '../lib/data/postgres-instance';
import { PostgresPooler } from '../lib/data/postgres-pooler';
import { Valkey, ValkeyProps } from '../lib/data/valkey';
import { PlatformError } from '../lib/errors';
import { ArgoCdInstall } from '../lib/gitops/argocd-install';
import { CategoryApps } from '../lib/gitops/category-apps';
import { IMAGES } from '../lib/images';
import { Volume } from '../lib/k8s/volume';
import { CLOUDNATIVE_PG } from '../lib/operators/cloudnative-pg';
import { OperatorChart } from '../lib/operators/operator-chart';
import { requireOperator } from '../lib/operators/require-operator';
import { addToCache, chartMetadata, pullChart } from '../lib/upstream/chart-pull';
import { ensureHelm, helmPin } from '../lib/upstream/helm-binary';
import { HelmChart, HelmChartProps } from '../lib/upstream/helm-chart';
import { imageValues } from '../lib/upstream/image-values';
import { renderingsOf, syncRecords } from '../lib/upstream/rendering-records';
import { Manifests, ManifestsProps } from '../lib/upstream/manifests';
import { ContainerSpec, renderPodTemplate } from '../lib/workloads/pod';
import { declareAlerts, declareDashboard, collectDeclarations } from '../lib/monitoring/declarations';
import { Prometheus } from '../lib/monitoring/prometheus';
import { CloudflareTunnel } from '../lib/networking/cloudflare-tunnel';
import { Edge } from '../lib/networking/edge';
import { NetworkPolicies } from '../lib/networking/network-policies';
import { Routes } from '../lib/networking/routes';
import { AppChart } from '../lib/platform/app-chart';
import { Platform, PlatformSettings } from '../lib/platform/platform';
import { PodSecurity } from '../lib/platform/pod-security';
import { ResourceQuotas } from '../lib/platform/resource-quotas';
import { credentialsOf, externalSecret } from '../lib/secrets/external-secret';
import { render } from '../lib/synth/render';
import { StaticFilesProxy } from '../lib/web/static-files-proxy';
import { WebService, WebServiceProps } from '../lib/web/web-service';
import { VolumeClaim } from '../lib/storage/volume-claim';
import { REPO_ROOT, emptyPlatform, tempDir, testChart } from './support/platform';
import { DEMO_IMAGE, DEMO_VALUES, DemoValues, FIXTURE_CHARTS, FIXTURE_REPOSITORY } from './support/upstream-apps';

const IMAGE = 'registry.example.com/demo:1.0.0';
const CONTAINER = { name: 'c', image: IMAGE, resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '10m', memory: '16Mi' } } };
const pod = (containers: ContainerSpec[]) => () => renderPodTemplate(demo().chart, {}, { containers });
const ECHO = 'test/fixtures/manifests/echo/echo.yaml';
const ECHO_IMAGE = 'registry.example.com/echo:0.2.3';
const yaml = (props: ManifestsProps) => () => new Manifests(demo().chart, 'yaml', props);
/** Temporary folders the rows make, removed after the file. */
const scratchDirs: string[] = [];
const scratch = () => {
  const dir = tempDir();
  scratchDirs.push(dir);
  return dir;
};
/** A YAML file of `text` in a fresh folder, by its absolute path. */
const yamlFile = (text: string) => {
  const file = path.join(scratch(), 'objects.yaml');
  fs.writeFileSync(file, text);
  return file;
};
const helm = (props: object) => () => new HelmChart(demo().chart, 'chart', { repository: 'https://charts.example.com', chart: 'demo', version: '1.0.0', cacheDir: 'test/fixtures/charts', ...props } as never);
const SETTINGS: PlatformSettings = { repoURL: 'https://git.example.com/test/platform.git' };

/** A platform with `settings` and one app chart `demo`. */
function demo(settings: Partial<PlatformSettings> = {}): { platform: Platform; chart: AppChart } {
  const platform = new Platform({ ...SETTINGS, ...settings });
  return { platform, chart: testChart(platform) };
}

const web = (props: Partial<WebServiceProps>) => () => new WebService(demo().chart, 'web', { image: IMAGE, port: 8080, ...props });
const postgres = (props: Partial<PostgresProps>) => () => new Postgres(demo().chart, 'db', { database: 'app', storageSize: '1Gi', mode: 'cloudnative-pg', ...props } as PostgresProps);
const singlePostgres = (props: Partial<PostgresProps>) => postgres({ mode: 'single-instance', passwordSecret: { name: 'db', key: 'password' }, ...props });
const valkey = (props: ValkeyProps) => () => new Valkey(demo().chart, 'cache', props);
const SOURCE = { name: 'db', host: 'db', port: 5432, database: 'app', user: 'app', passwordSecret: { name: 'db', key: 'password' } };
const backup = (props: Partial<PostgresBackupProps>) => () => new PostgresBackup(demo().chart, 'backup', { source: SOURCE, storageSize: '1Gi', ...props });
const S3 = { type: 's3' as const, endpoint: 'https://s3.example.com', bucket: 'backups' };
const offsite = (offsite: object) => backup({ offsite: { path: 'db', ...offsite } as PostgresBackupProps['offsite'] });
const STORE = {
  destinationPath: 's3://backups/app', endpointURL: 'https://minio.example.org',
  accessKeyId: { name: 's3', key: 'id' }, secretAccessKey: { name: 's3', key: 'secret' },
};
const rendered = (build: (platform: Platform, chart: AppChart) => void, settings: Partial<PlatformSettings> = {}) => () => {
  const { platform, chart } = demo(settings);
  build(platform, chart);
  return render(platform);
};
const tunnel = (props: object) => () => new CloudflareTunnel(demo().chart, 'tunnel', { tunnelId: '6ff42ae2-765d-4adf-8112-31c55c1551ef', routes: [{ hostname: 'a.example.com', service: 'http://web:8080' }], ...props });
const routes = (props: object) => () => new Routes(demo().chart, 'routes', { hostnames: ['a.example.com'], backend: { service: 'web', port: 8080 }, ...props });
const gpus = (gpus: object[], nodes = 1) => () => new Platform({ ...SETTINGS, capacity: { nodes, cpuPerNode: '8', memoryPerNode: '16Gi', gpus: gpus as never } });
const GPU = { vendor: 'amd', model: 'gfx1103' };
const rule = { alert: 'DemoDown', expr: 'up == 0', for: Duration.minutes(5), severity: 'critical' as const, summary: 's', description: 'd' };
const group = (g: object) => () => declareAlerts(demo().chart, { name: 'demo', rules: [rule], ...g } as never);
const dashboard = { uid: 'demo', title: 'x', tags: [], schemaVersion: 39, editable: false, refresh: '30s', time: { from: 'now-6h', to: 'now' }, timezone: 'browser', panels: [] };

const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
};
/** The demo chart of the fixtures' cache in app demo, as test/upstream-charts.test.ts renders it, with `props` changed. */
const FIXTURE_CHART = { repository: FIXTURE_REPOSITORY, chart: 'demo', version: '1.0.0', cacheDir: FIXTURE_CHARTS, values: DEMO_VALUES, images: [DEMO_IMAGE] };
const fixtureChart = (props: Partial<HelmChartProps<DemoValues>> = {}) => () => new HelmChart<DemoValues>(demo().chart, 'chart', { ...FIXTURE_CHART, ...props });
/** A copy of the demo chart's folder, changed by `edit`. */
function demoChartFolder(edit: (dir: string) => void): string {
  const dir = path.join(scratch(), 'demo');
  fs.cpSync(path.join(REPO_ROOT, FIXTURE_CHARTS, 'demo-1.0.0'), dir, { recursive: true });
  edit(dir);
  return dir;
}
/** A chart cache of its own holding the demo chart changed by `edit`, recorded as `npm run charts:pull` records it. */
function scratchCache(edit: (dir: string) => void, cacheDir = scratch()): string {
  addToCache(cacheDir, { repository: FIXTURE_REPOSITORY, chart: 'demo', version: '1.0.0' }, demoChartFolder(edit));
  return cacheDir;
}
/** A checkout holding only Helm's pins: `goMod`, and a build script that fails as it does on a machine without Go. */
function helmCheckout(goMod: string): string {
  const root = scratch();
  write(path.join(root, 'tools/helm/go.mod'), goMod);
  write(path.join(root, 'tools/helm/go.sum'), '');
  write(path.join(root, 'scripts/build-helm.sh'), 'exit 127\n');
  return root;
}
const WORKER_WITHOUT_PORTS = `apiVersion: apps/v1
kind: Deployment
metadata: { name: worker }
spec:
  selector: { matchLabels: { app: worker } }
  template:
    metadata: { labels: { app: worker } }
    spec:
      containers: [{ name: worker, image: registry.example.com/echo }]
`;

/**
 * A Helm chart repository on 127.0.0.1, for \`npm run charts:pull\`: its index offers demo 1.0.0,
 * whose archive holds a Chart.yaml of version 1.1.0, as a repository that moved a release would.
 * Served by a child process, since Helm runs synchronously beside it.
 */
let chartRepository: { url: string; server: ChildProcess } | undefined;
const chartRepositoryUrl = () => chartRepository?.url ?? 'http://127.0.0.1:1';
async function serveChartRepository(): Promise<{ url: string; server: ChildProcess }> {
  const dir = scratch();
  const chart = demoChartFolder(d => write(path.join(d, 'Chart.yaml'), fs.readFileSync(path.join(d, 'Chart.yaml'), 'utf8').replace(/^version: 1\.0\.0$/m, 'version: 1.1.0')));
  const tar = spawnSync('tar', ['-czf', path.join(dir, 'demo-1.0.0.tgz'), '-C', path.dirname(chart), 'demo'], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(tar.stderr);
  write(path.join(dir, 'index.yaml'), 'apiVersion: v1\nentries:\n  demo:\n    - apiVersion: v2\n      name: demo\n      version: 1.0.0\n      urls: [demo-1.0.0.tgz]\n');
  const serve = "const [, root] = process.argv; require('http').createServer((q, s) => require('fs').readFile(require('path').join(root, require('path').basename(q.url.split('?')[0])), (e, b) => { s.writeHead(e ? 404 : 200); s.end(b); })).listen(0, '127.0.0.1', function () { console.log(this.address().port); });";
  const server = spawn(process.execPath, ['-e', serve, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    server.stdout.once('data', (b: Buffer) => resolve(b.toString().trim()));
    server.once('exit', code => reject(new Error(`the chart repository exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}`, server };
}

/** Each row: what it does wrong, the mistake, and the message (its start names where). */
const CASES: [string, () => unknown, string][] = [
  // lib/platform
  ['a Pod Security level below restricted without a reason', () => new AppChart(emptyPlatform(), 'host', { category: 'apps', podSecurity: PodSecurity.baseline('') }), 'host: podSecurity: a Pod Security level below "restricted" needs a reason'],
  ['a construct outside an app chart', () => AppChart.of(emptyPlatform()), ': is not inside an AppChart'],
  ['a construct outside a Platform', () => Platform.of(new Chart(new App(), 'loose')), 'loose: is not inside a Platform'],
  ['an app chart created while the platform derives', () => { const p = emptyPlatform(); p.onDerive(p, 'monitoring', () => testChart(p, 'late')); p.derive(); }, 'late: app charts are created before synthesis derives the platform, not during it'],
  ['two apps with one name', () => { const p = emptyPlatform(); testChart(p, 'demo'); new AppChart(p, 'other', { category: 'apps', name: 'demo' }); }, 'other: app name "demo" is already used by demo'],
  ['a derivation registered during synthesis', () => { const p = emptyPlatform(); p.onDerive(p, 'monitoring', () => p.onDerive(p, 'gitops', () => undefined)); p.derive(); }, ': registers a derivation during synthesis; register it in a constructor'],
  ['a declaration once the platform is derived', () => { const { platform, chart } = demo(); platform.derive(); platform.addConnection({ from: { name: 'a', app: 'demo', component: 'x', namespace: 'demo' }, to: { name: 'b', app: 'demo', component: 'x', namespace: 'demo' }, port: 1 }, chart); }, 'demo: declares a connection once the platform is derived'],
  ['a quota headroom below 1', () => new ResourceQuotas(emptyPlatform(), 'quotas', { headroom: 0.5 }), 'quotas: headroom: must be at least 1'],
  ['a GPU vendor nobody supports', gpus([{ ...GPU, vendor: 'intel' }]), 'PLATFORM_SETTINGS.capacity.gpus[0].vendor: "intel" is not one of'],
  ['a GPU model that is no label value', gpus([{ ...GPU, model: 'gfx 1103' }]), 'PLATFORM_SETTINGS.capacity.gpus[0].model: "gfx 1103" is not a valid label value'],
  ['GPU nodes below 1', gpus([{ ...GPU, nodes: 0 }]), 'PLATFORM_SETTINGS.capacity.gpus[0].nodes: must be a whole number of at least 1 (got 0)'],
  ['GPUs per node below 1', gpus([{ ...GPU, perNode: 0 }]), 'PLATFORM_SETTINGS.capacity.gpus[0].perNode: must be a whole number of at least 1 (got 0)'],
  ['a ROCm override on an NVIDIA GPU', gpus([{ vendor: 'nvidia', model: 'rtx4090', hsaOverrideGfxVersion: '11.0.0' }]), 'PLATFORM_SETTINGS.capacity.gpus[0].hsaOverrideGfxVersion: is a ROCm setting; nvidia GPUs do not read it'],
  ['a GPU model declared twice', gpus([GPU, GPU], 2), 'PLATFORM_SETTINGS.capacity.gpus[1].model: "gfx1103" is declared twice'],
  ['more GPU nodes than nodes', gpus([{ ...GPU, nodes: 2 }]), 'PLATFORM_SETTINGS.capacity.gpus: 2 GPU nodes declared, but the cluster has 1 node'],
  // lib/k8s
  ['an app name that is no DNS label', () => new AppChart(emptyPlatform(), 'Demo', { category: 'apps' }), 'Demo: name: "Demo" is not a DNS label'],
  ['a hostname with one label', routes({ hostnames: ['localhost'] }), 'demo/routes: hostnames[0]: "localhost" is not a fully qualified hostname'],
  ['a port name too long', pod([{ ...CONTAINER, ports: [{ name: 'a-very-long-port-name', port: 80 }] }]), 'demo: container.ports[0].name: "a-very-long-port-name" is not a valid port name'],
  ['two volumes under one name', pod([{ ...CONTAINER, mounts: [{ volume: Volume.emptyDir('data'), path: '/a' }] }, { ...CONTAINER, name: 'd', mounts: [{ volume: Volume.configMap('data', 'settings'), path: '/b' }] }]), 'demo: mounts: two different volumes are both named "data"'],
  ['GPUs of two models in one pod', pod([{ ...CONTAINER, gpu: { model: 'a' } as never }, { ...CONTAINER, name: 'd', gpu: { model: 'b' } as never }]), 'demo: containers: ask for GPUs of different models (a, b)'],
  ['a port out of range', web({ port: 70000 }), 'demo/web: port: 70000 is not a port number between 1 and 65535'],
  ['an image without a tag', web({ image: 'registry.example.com/demo' }), 'demo/web: image: image "registry.example.com/demo" has no tag'],
  ['an image tagged latest', web({ image: 'registry.example.com/demo:latest' }), 'demo/web: image: image "registry.example.com/demo:latest" is tagged latest'],
  ['a storage size that is no quantity', postgres({ storageSize: 'ten gigs' }), 'demo/db: storageSize: "ten gigs" is not a Kubernetes quantity'],
  // lib/workloads
  ['a GPU model no node has', () => new Ollama(demo().chart, 'ollama', { gpu: { model: 'gfx1103' } }), 'demo/ollama: gpu.model: no node has a "gfx1103" GPU'],
  ['a GPU count below 1', () => new Ollama(demo({ capacity: { cpuPerNode: '8', memoryPerNode: '16Gi', gpus: [GPU as never] } }).chart, 'ollama', { gpu: { model: 'gfx1103', count: 0 } }), 'demo/ollama: gpu.count: must be a whole number of at least 1 (got 0)'],
  ['more GPUs in a pod than a node has', () => new Ollama(demo({ capacity: { cpuPerNode: '8', memoryPerNode: '16Gi', gpus: [GPU as never] } }).chart, 'ollama', { gpu: { model: 'gfx1103', count: 2 } }), 'demo/ollama: gpu.count: 2 GPUs in one pod, but a "gfx1103" node has 1'],
  ['a limit below its request', web({ resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '500m', memory: '1Gi' } } }), 'demo/web: resources.limits.cpu: limit 500m is below the request 1'],
  // lib/web
  ['a grace period shorter than the preStop sleep', web({ terminationGracePeriod: Duration.seconds(10), preStopSleep: Duration.seconds(15) }), 'demo/web: terminationGracePeriod: 10s must exceed preStopSleep (15s)'],
  ['a NodePort out of range', web({ nodePort: 8080 }), 'demo/web: nodePort: 8080 is outside the NodePort range 30000-32767'],
  ['an ingress without hosts', web({ ingress: { hosts: [] } as never }), 'demo/web: ingress.hosts: needs at least one hostname'],
  ['replicas beside autoscaling', web({ replicas: 2, autoscaling: { minReplicas: 2, maxReplicas: 5, cpuUtilization: 70 } }), 'demo/web: replicas: cannot be set together with autoscaling'],
  ['autoscaling below one replica', web({ autoscaling: { minReplicas: 0, maxReplicas: 5, cpuUtilization: 70 } }), 'demo/web: autoscaling.minReplicas: must be at least 1 (got 0)'],
  ['autoscaling maximum below its minimum', web({ autoscaling: { minReplicas: 3, maxReplicas: 2, cpuUtilization: 70 } }), 'demo/web: autoscaling.maxReplicas: must be at least minReplicas (got min 3, max 2)'],
  ['autoscaling on no CPU', web({ autoscaling: { minReplicas: 1, maxReplicas: 2, cpuUtilization: 0 } }), 'demo/web: autoscaling.cpuUtilization: must be a positive whole percentage (got 0)'],
  ['no replica', web({ replicas: 0 }), 'demo/web: replicas: must be at least 1 (got 0)'],
  ['a static mount path without its slashes', () => {
    const { chart } = demo();
    const upstream = new WebService(chart, 'web', { image: IMAGE, port: 8080 });
    const claim = new VolumeClaim(chart, 'files', { size: '1Gi', owner: upstream.identity });
    return new StaticFilesProxy(chart, 'proxy', { upstream, staticMounts: [{ urlPath: '/static', claim }] });
  }, 'demo/proxy: staticMounts[0].urlPath: "/static" must start and end with /'],
  // lib/networking
  ['a tunnel id that is no UUID', tunnel({ tunnelId: 'my-tunnel' }), 'demo/tunnel: tunnelId: "my-tunnel" is not a tunnel UUID'],
  ['a tunnel without routes', tunnel({ routes: [] }), 'demo/tunnel: routes: needs at least one route'],
  ['a tunnel route to no URL', tunnel({ routes: [{ hostname: 'a.example.com', service: 'web:8080' }] }), 'demo/tunnel: routes[0].service: "web:8080" is not an http(s)://host[:port] URL'],
  ['a hostname routed twice through the tunnel', tunnel({ routes: [{ hostname: 'a.example.com', service: 'http://web:8080' }, { hostname: 'a.example.com', service: 'http://web:8080' }] }), 'demo/tunnel: routes: hostname a.example.com is routed twice'],
  ['a pod CIDR that is no CIDR', () => new NetworkPolicies(new Platform({ ...SETTINGS, network: { ...emptyPlatform().network, podCidr: '10.42.0.0' } })), 'network-policies: network.podCidr: "10.42.0.0" is not an IPv4 CIDR'],
  ['an API server port out of range', () => new NetworkPolicies(new Platform({ ...SETTINGS, network: { ...emptyPlatform().network, apiServerPort: 0 } })), 'network-policies: network.apiServerPort: must be a port between 1 and 65535 (got 0)'],
  ['routes without hostnames', routes({ hostnames: [] }), 'demo/routes: hostnames: needs at least one hostname'],
  ['a route path without its slash', routes({ path: 'api' }), 'demo/routes: path: "api" must start with /'],
  ['a hostname and path routed twice', () => { const { chart } = demo(); const props = { hostnames: ['a.example.com'], backend: { service: 'web', port: 8080 } }; new Routes(chart, 'one', props); new Routes(chart, 'two', props); }, 'demo/two: hostnames: a.example.com/ is already routed by demo/one'],
  ['public routes without an ACME email', rendered((_, chart) => { new Edge(chart, 'edge'); new Routes(chart, 'routes', { hostnames: ['a.example.com'], backend: { service: 'web', port: 8080 } }); }), 'demo/edge: entryPoints.acme.email: public routes (a.example.com) need certificates'],
  // lib/data
  ['a PostgreSQL uid of root', () => new PostgresInstance(demo().chart, 'db', { name: 'db', database: 'app', passwordSecret: { name: 'db', key: 'password' }, storageSize: '1Gi', uid: 0 }), 'demo/db: uid: must be a non-root user ID (got 0)'],
  ['backups kept for no day', backup({ retentionDays: 0 }), 'demo/backup: retentionDays: must be a whole number of days, at least 1 (got 0)'],
  ['a backup schedule that is no cron', backup({ schedule: 'daily' }), 'demo/backup: schedule: "daily" is not a 5-field cron expression'],
  ['offsite copies kept shorter than local ones', offsite({ remote: S3, retentionDays: 3 }), 'demo/backup: offsite.retentionDays: must be a whole number of days, at least the local retentionDays'],
  ['an offsite path with a space', offsite({ remote: S3, path: 'my dumps' }), 'demo/backup: offsite.path: "my dumps" must name a folder on the remote, without spaces'],
  ['an S3 endpoint with a path', offsite({ remote: { ...S3, endpoint: 'https://s3.example.com/backups' } }), 'demo/backup: offsite.remote.endpoint: "https://s3.example.com/backups" must be an https:// URL with no path'],
  ['an S3 bucket name with capitals', offsite({ remote: { ...S3, bucket: 'Backups' } }), 'demo/backup: offsite.remote.bucket: "Backups" is not an S3 bucket name'],
  ['an SFTP host with a slash', offsite({ remote: { type: 'sftp', host: 'backup/host', user: 'u', knownHosts: '[backup]:22 ssh-ed25519 AAAA' } }), 'demo/backup: offsite.remote.host: "backup/host" is not a host name'],
  ['an SFTP known_hosts line that is none', offsite({ remote: { type: 'sftp', host: 'backup', user: 'u', knownHosts: 'trust me' } }), 'demo/backup: offsite.remote.knownHosts: must be a known_hosts line'],
  ['an offsite remote of no known type', offsite({ remote: { type: 'ftp' } }), 'demo/backup: offsite.remote.type: "ftp" is not \'s3\' or \'sftp\''],
  ['a read-only PostgreSQL parameter', postgres({ parameters: { block_size: '16384' } }), 'demo/db/Cluster: parameters.block_size: is a read-only PostgreSQL parameter'],
  ['an unknown PostgreSQL parameter', postgres({ parameters: { shared_bufers: '256MB' } }), 'demo/db/Cluster: parameters.shared_bufers: is not a PostgreSQL 16 parameter'],
  ['a parameter CloudNativePG owns', postgres({ parameters: { port: '5433' } }), 'demo/db/Cluster: parameters.port: is set by CloudNativePG itself and cannot be overridden'],
  ['a parameter value on two lines', postgres({ parameters: { work_mem: '4MB\n8MB' } }), 'demo/db/Cluster: parameters.work_mem: value must be a non-empty single-line string'],
  ['Sentinel without a replica', valkey({ sentinel: { replicas: 0 } }), 'demo/cache: sentinel.replicas: must be a whole number of at least 1 (got 0)'],
  ['two Sentinels', valkey({ sentinel: { sentinels: 2 } }), 'demo/cache: sentinel.sentinels: must be at least 3 (got 2)'],
  ['a quorum above the Sentinels', valkey({ sentinel: { quorum: 4 } }), 'demo/cache: sentinel.quorum: must be between 1 and the number of sentinels, 3 (got 4)'],
  ['a master name with a space', valkey({ sentinel: { masterName: 'my master' } }), 'demo/cache: sentinel.masterName: "my master" must be letters, digits'],
  ['a maxmemory ratio of 1', valkey({ maxmemoryRatio: 1 }), 'demo/cache: maxmemoryRatio: must be between 0 and 1 (got 1)'],
  ['a database name with a dash', postgres({ database: 'my-app' }), 'demo/db: database: "my-app" is not a plain PostgreSQL identifier'],
  ['a user name with capitals', postgres({ user: 'App' } as never), 'demo/db: user: "App" is not a plain PostgreSQL identifier'],
  ['a password Secret for CloudNativePG', postgres({ passwordSecret: { name: 's', key: 'p' } }), 'demo/db: passwordSecret: CloudNativePG generates the password'],
  ['a daily dump for CloudNativePG', postgres({ dailyBackup: {} } as never), 'demo/db: dailyBackup: is for single instances'],
  ['three single instances', singlePostgres({ instances: 3 }), 'demo/db: instances: a single instance runs exactly 1 (got 3)'],
  ['an object store for a single instance', singlePostgres({ objectStore: STORE }), "demo/db: objectStore: needs mode 'cloudnative-pg'"],
  ['a single instance without its password Secret', postgres({ mode: 'single-instance' }), 'demo/db: passwordSecret: a single instance needs a pre-created Secret with the password'],
  ['two pooler pods for a single instance', singlePostgres({ pooler: { instances: 2 } } as never), 'demo/db: pooler.instances: the single-instance pooler runs 1 pod (got 2)'],
  ['a PostgreSQL mode nobody knows', postgres({ mode: 'replicated' } as never), 'demo/db: mode: "replicated" is not \'single-instance\' or \'cloudnative-pg\''],
  ['a Pooler without its cluster', () => new PostgresPooler(demo().chart, 'pooler', {} as never), 'demo/pooler: cluster: a Pooler needs the CloudNativePG cluster'],
  ['a Pooler without pods', () => { const { chart } = demo(); const db = new Postgres(chart, 'db', { database: 'app', storageSize: '1Gi', mode: 'cloudnative-pg' }); return new PostgresPooler(chart, 'pooler', { cluster: db.cluster!, instances: 0 } as never); }, 'demo/pooler: instances: must be a whole number of at least 1 (got 0)'],
  ['a Pooler with no connection', () => { const { chart } = demo(); const db = new Postgres(chart, 'db', { database: 'app', storageSize: '1Gi', mode: 'cloudnative-pg' }); return new PostgresPooler(chart, 'pooler', { cluster: db.cluster!, defaultPoolSize: 0 } as never); }, 'demo/pooler: defaultPoolSize: must be a whole number of at least 1 (got 0)'],
  ['a PgBouncer without its database', () => new PgBouncer(demo().chart, 'pooler', {} as never), 'demo/pooler: postgres: a pooler needs the database'],
  ['no CloudNativePG instance', postgres({ instances: 0 }), 'demo/db/Cluster: instances: must be a whole number of at least 1 (got 0)'],
  ['an object store that is no s3:// URL', postgres({ objectStore: { ...STORE, destinationPath: 'backups/app' } }), 'demo/db/Cluster: objectStore.destinationPath: "backups/app" is not an s3://bucket/path URL'],
  ['a 5-field cron for CloudNativePG', postgres({ objectStore: { ...STORE, schedule: '0 3 * * *' } }), 'demo/db/Cluster: objectStore.schedule: "0 3 * * *" is not a 6-field cron'],
  ['a retention that is no retention', postgres({ objectStore: { ...STORE, retention: '30 days' } }), 'demo/db/Cluster: objectStore.retention: "30 days" is not a retention'],
  // lib/monitoring
  ['a retention size without a unit', () => new Prometheus(demo().chart, 'prometheus', { retentionSize: '18', storageSize: '20Gi', probes: {} } as never), 'demo/prometheus: retentionSize: "18" must be a whole number with a unit'],
  ['a chart setting under the name it had before it took its prop\'s', () => new MonitoringChart(emptyPlatform(), 'monitoring', { prometheus: { storage: '30Gi' } } as never), 'monitoring: prometheus.storage: is now "prometheus.storageSize", the name of the construct prop it sets; rename it'],
  ['the database owner of the URL shortener under its old name', () => new UrlShortenerChart(emptyPlatform(), 'url-shortener', { database: { owner: 'links' } } as never), 'url-shortener: database.owner: is now "database.user"'],
  ['the credentials read before the platform is derived', () => credentialsOf(emptyPlatform()), 'credentials: are read once the platform is derived'],
  ['a rate window of half a second', () => { const p = emptyPlatform(); new MonitoringChart(p, 'monitoring', { rules: { http: { rateWindow: Duration.seconds(0) } } } as never); return render(p); }, 'monitoring: 0s is not a positive whole number of seconds'],
  ['a rule group name with capitals', group({ name: 'Demo' }), 'demo: rule group "Demo": name must be lowercase letters, digits and dashes'],
  ['a rule group without rules', group({ rules: [] }), 'demo: rule group demo: has no rules'],
  ['an alert name that is not CamelCase', group({ rules: [{ ...rule, alert: 'demo_down' }] }), 'demo: rule group demo: alert demo_down: name must be CamelCase'],
  ['an alert without a summary', group({ rules: [{ ...rule, summary: ' ' }] }), 'demo: rule group demo: alert DemoDown: needs a summary and a description'],
  ['an alert without an expression', group({ rules: [{ ...rule, expr: '' }] }), 'demo: rule group demo: alert DemoDown: needs an expression'],
  ['a rule group declared twice', () => { const { chart } = demo(); declareAlerts(chart, { name: 'demo', rules: [rule] }); declareAlerts(chart, { name: 'demo', rules: [rule] }); return collectDeclarations(chart); }, 'demo: rule group demo is declared twice'],
  ['a dashboard uid Grafana would refuse', () => { const { chart } = demo(); declareDashboard(chart, { ...dashboard, uid: 'Not A Uid' }); return collectDeclarations(chart); }, 'demo: dashboard uid "Not A Uid" must be 1-40 lowercase letters, digits and dashes'],
  ['a dashboard uid declared twice', () => { const { chart } = demo(); declareDashboard(chart, dashboard); declareDashboard(chart, dashboard); return collectDeclarations(chart); }, 'demo: dashboard uid demo is declared twice'],
  // lib/secrets, lib/ai
  ['an ExternalSecret without keys', () => externalSecret(demo().chart, { name: 'creds', keys: [], usedBy: 'x' }), 'demo: keys: Secret creds needs at least one key'],
  ['a Secret key with a space', () => externalSecret(demo().chart, { name: 'creds', keys: ['api key'], usedBy: 'x' }), 'demo: keys[0]: "api key" is not a valid Secret key'],
  ['an Ollama model name with a space', () => new Ollama(demo({ capacity: { cpuPerNode: '8', memoryPerNode: '16Gi', gpus: [GPU as never] } }).chart, 'ollama', { gpu: { model: 'gfx1103' }, models: ['llama 3'] }), 'demo/ollama: models[0]: "llama 3" is not an Ollama model name'],
  ['an Ollama model named twice', () => new Ollama(demo({ capacity: { cpuPerNode: '8', memoryPerNode: '16Gi', gpus: [GPU as never] } }).chart, 'ollama', { gpu: { model: 'gfx1103' }, models: ['llama3', 'llama3'] }), 'demo/ollama: models: names a model twice'],
  // lib/gitops, lib/operators
  ['Argo CD outside the Applications\' namespace', () => new ArgoCdInstall(demo().chart, 'argocd', { image: IMAGES.argocd, redisImage: IMAGES.argocdRedis } as never), 'demo/argocd: namespace: Argo CD must run in the namespace the platform\'s Applications live in, "argocd"'],
  ['an Argo CD version whose install is not vendored', () => new ArgoCdInstall(testChart(emptyPlatform(), 'argocd'), 'argocd', { image: 'quay.io/argoproj/argocd:v0.0.1', redisImage: IMAGES.argocdRedis } as never), 'argocd/argocd: image: Argo CD v0.0.1\'s install manifests are not vendored'],
  ['a category that installs a CRD', () => new CategoryApps(demo().chart, 'apps', { name: 'apps', apps: [], clusterResources: [{ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', name: 'widgets.example.com' }] } as never, {} as never), 'demo/apps: clusterResourceWhitelist: category apps renders CustomResourceDefinition widgets.example.com'],
  ['an operator required once the operators are installed', () => { const { platform, chart } = demo(); platform.onDerive(chart, 'namespaces', () => requireOperator(chart, CLOUDNATIVE_PG)); platform.derive(); }, 'demo: requires operator "cloudnative-pg" after the operators are installed (derive phase namespaces)'],
  ['one operator under two definitions', () => { const { chart } = demo(); requireOperator(chart, CLOUDNATIVE_PG); requireOperator(chart, { ...CLOUDNATIVE_PG, version: '0.0.1' }); }, 'demo: operator "cloudnative-pg" is already required by demo with another definition'],
  // lib/upstream
  ['YAML from a path that does not exist', yaml({ path: 'test/fixtures/manifests/none' }), 'demo/yaml: path: test/fixtures/manifests/none does not exist'],
  ['YAML from a folder without YAML', yaml({ path: 'test/fixtures/charts' }), 'demo/yaml: path: test/fixtures/charts holds no .yaml or .yml file'],
  ['YAML that does not parse', yaml({ path: yamlFile('kind: [unclosed') }), 'not valid YAML'],
  ['YAML without an object', yaml({ path: yamlFile('# nothing here\n') }), 'holds no Kubernetes object'],
  ['a patch that matches nothing', yaml({ path: ECHO, images: [ECHO_IMAGE], omit: [{ kind: 'Nope' }] }), 'demo/yaml: patches: test/fixtures/manifests/echo/echo.yaml:'],
  ['an image no container runs', yaml({ path: ECHO, images: ['registry.example.com/other:1.0.0'] }), 'demo/yaml: images[0]: no container in test/fixtures/manifests/echo/echo.yaml runs an image of registry.example.com/other'],
  ['a container image that is no pin', yaml({ path: ECHO }), 'demo/yaml: images: test/fixtures/manifests/echo/echo.yaml:'],
  ['a workload the YAML does not hold', () => new Manifests(demo().chart, 'yaml', { path: ECHO, images: [ECHO_IMAGE] }).workload('nope'), 'demo/yaml: workload("nope"): test/fixtures/manifests/echo/echo.yaml'],
  ['a port the workload does not open', () => new Manifests(demo().chart, 'yaml', { path: ECHO, images: [ECHO_IMAGE] }).workload('echo', { port: 80 }), 'demo/yaml/workload-echo: port: Deployment echo has no container port 80 (it has 5678)'],
  ['a chart repository that is no URL', helm({ repository: 'charts.example.com' }), 'demo/chart: repository: "charts.example.com" is not a chart repository URL'],
  ['a chart version range', helm({ version: '^1.0.0' }), 'demo/chart: version: "^1.0.0" is not one exact version'],
  ['a chart renderer nobody knows', helm({ renderedBy: 'kustomize' }), 'demo/chart: renderedBy: must be "synth" or "argocd" (got "kustomize")'],
  // lib/upstream: the chart cache, the values, Helm and the records
  ['a chart missing from the cache', fixtureChart({ version: '9.9.9' }), 'demo/chart: chart demo 9.9.9 from https://charts.example.com/demo is not in the chart cache (test/fixtures/charts/demo-9.9.9)'],
  ['a cached chart of another repository', fixtureChart({ repository: 'oci://ghcr.io/other/charts' }), 'demo/chart: chart.repository: the cached demo-1.0.0 comes from https://charts.example.com/demo, not oci://ghcr.io/other/charts'],
  ['a cached chart edited by hand', () => {
    const cacheDir = scratchCache(() => undefined);
    fs.appendFileSync(path.join(cacheDir, 'demo-1.0.0/templates/service.yaml'), '# edited\n');
    return fixtureChart({ cacheDir })();
  }, 'demo-1.0.0: its files differ from what `npm run charts:pull` recorded'],
  ["values against the chart's schema", fixtureChart({ values: { ...DEMO_VALUES, replicaCount: 0 } }), 'demo/chart: values do not match test/fixtures/charts/demo-1.0.0/values.schema.json:\n  values.replicaCount: must be >= 1'],
  ['a values schema referring to the network', () => fixtureChart({ cacheDir: scratchCache(d => write(path.join(d, 'values.schema.json'), '{ "$ref": "https://schemas.example.com/values.json" }')) })(), 'demo-1.0.0/values.schema.json: cannot be compiled offline'],
  ["a patch matching none of a chart's objects", fixtureChart({ patches: { omit: [{ kind: 'Nope' }] } }), 'demo/chart: patches: chart demo 1.0.0: omit[0]: Nope matches no object'],
  ['a chart image that is no pin', fixtureChart({ values: { ...DEMO_VALUES, image: { repository: 'registry.example.com/demo/web', tag: '2.5.0' } }, images: [] }), 'demo/chart: values: chart demo 1.0.0, demo/templates/deployment.yaml (document 1): container demo of Deployment demo runs image registry.example.com/demo/web:2.5.0, which is neither a pin'],
  ['a workload of a chart Argo CD renders', () => fixtureChart({ renderedBy: 'argocd' })().workload('demo'), 'demo/chart: workload("demo"): Argo CD renders this chart'],
  ['a workload the chart does not render', () => fixtureChart()().workload('server'), 'demo/chart: workload("server"): chart demo 1.0.0 renders no workload named "server" (it renders: Deployment demo)'],
  ['a chart Helm refuses to render', () => fixtureChart({ cacheDir: scratchCache(d => write(path.join(d, 'templates/refused.yaml'), '{{ fail "the demo chart refuses these values" }}\n')) })(), 'demo/chart: helm template of'],
  ['one release rendered with two sets of values', () => {
    const root = scratch();
    const cacheDir = scratchCache(() => undefined, path.join(root, 'vendor/charts'));
    const { platform, chart } = demo();
    for (const [id, replicaCount] of [['a', 2], ['b', 3]] as const) new HelmChart<DemoValues>(chart, id, { ...FIXTURE_CHART, cacheDir, values: { ...DEMO_VALUES, replicaCount } });
    return syncRecords(root, renderingsOf(platform), true);
  }, 'demo/b: renders release demo of chart demo in namespace demo, as demo/a does with other values'],
  ["YAML of an object in another app's namespace", yaml({ path: yamlFile('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings, namespace: other }\n') }), 'ConfigMap settings: metadata.namespace: "other" is not the app\'s namespace "demo"'],
  ['a chart image from a pin without a tag', () => imageValues('registry.example.com/demo/web'), 'image "registry.example.com/demo/web" has no tag'],
  ['a connection to a workload without ports', () => new Manifests(demo().chart, 'yaml', { path: yamlFile(WORKER_WITHOUT_PORTS), images: [ECHO_IMAGE] }).workload('worker').port, 'demo/yaml/workload-worker: port: Deployment worker declares no container port'],
  // lib/upstream: npm run charts:pull and the pinned Helm
  ['a chart folder without Chart.yaml', () => chartMetadata(scratch()), 'has no Chart.yaml; not a Helm chart'],
  ['a Chart.yaml without a version', () => { const dir = scratch(); write(path.join(dir, 'Chart.yaml'), 'name: demo\n'); return chartMetadata(dir); }, 'Chart.yaml: has no name or version'],
  ['a chart version the repository does not serve', () => pullChart(scratch(), { repository: chartRepositoryUrl(), chart: 'demo', version: '2.0.0' }), 'helm pull demo 2.0.0 from http://127.0.0.1:'],
  ['a repository serving another version than asked', () => pullChart(scratch(), { repository: chartRepositoryUrl(), chart: 'demo', version: '1.0.0' }), 'helm pull demo: got version 1.1.0, not 1.0.0'],
  ['a go.mod that does not pin Helm', () => helmPin(helmCheckout('module example.com/helm\n')), 'tools/helm/go.mod: does not require helm.sh/helm/v3'],
  ['a Helm the machine cannot build', () => ensureHelm(helmCheckout('module example.com/helm\n\nrequire (\n\thelm.sh/helm/v3 v3.22.0\n)\n')), 'helm: the pinned Helm is not built and scripts/build-helm.sh failed (exit 127)'],
  // lib/operators: an OperatorChart is made from built-in requirements; these are made up
  ["an operator added to another's namespace", () => new OperatorChart(emptyPlatform(), CLOUDNATIVE_PG).addOperator({ ...CLOUDNATIVE_PG, name: 'other', namespace: 'other-system' }, []), 'cloudnative-pg: other: runs in namespace other-system, not cnpg-system'],
  ['a privileged operator added to a restricted one', () => new OperatorChart(emptyPlatform(), CLOUDNATIVE_PG).addOperator({ ...CLOUDNATIVE_PG, name: 'other', privilegedBecause: 'reads the host' }, []), 'cloudnative-pg: other: needs Pod Security "privileged" in namespace cnpg-system, which cloudnative-pg keeps "restricted"'],
  ['an exemption of an object the operator does not render', () => new OperatorChart(emptyPlatform(), { ...CLOUDNATIVE_PG, wire: operator => operator.exempt('Deployment', 'nope', [], 'a reason') }), 'cloudnative-pg: exempt("Deployment", "nope"): the charts render no Deployment nope'],
];

/** Where an error was thrown: the first frame of its stack (and its causes') outside lib/errors.ts. */
function sitesOf(error: unknown): string[] {
  const sites: string[] = [];
  for (let e = error as Error | undefined; e; e = e.cause as Error | undefined) {
    for (const line of (e.stack ?? '').split('\n').slice(1)) {
      const m = /\(?(\/[^():]+):(\d+):\d+\)?$/.exec(line.trim());
      if (!m) continue;
      const file = path.relative(REPO_ROOT, m[1]);
      if (file === 'lib/errors.ts') continue;
      sites.push(`${file}:${m[2]}`);
      break;
    }
  }
  return sites;
}

const CONSTRUCT_DIRS = ['charts', ...['ai', 'data', 'gitops', 'k8s', 'monitoring', 'networking', 'operators', 'platform', 'secrets', 'storage', 'upstream', 'web', 'workloads'].map(d => `lib/${d}`)];

/** Every line of the constructs' folders that throws a PlatformError: `fail(` or `throw new`. */
function throwSites(): { site: string; text: string }[] {
  return CONSTRUCT_DIRS.flatMap(dir => (fs.readdirSync(path.join(REPO_ROOT, dir), { recursive: true }) as string[])
    .filter(file => file.endsWith('.ts'))
    .flatMap(file => fs.readFileSync(path.join(REPO_ROOT, dir, file), 'utf8').split('\n')
      .map((text, i) => ({ site: `${dir}/${file}:${i + 1}`, text: text.trim() }))
      .filter(({ text }) => /\bfail\(|throw new \w+\(/.test(text) && !/^(export )?function fail\(/.test(text) && !text.startsWith('//'))));
}

describe('every mistake in a chart is a PlatformError naming where', () => {
  const reached = new Set<string>();
  beforeAll(async () => { chartRepository = await serveChartRepository(); });
  afterAll(() => {
    chartRepository?.server.kill();
    for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(CASES)('%s', (_, mistake, message) => {
    let error: unknown;
    try {
      mistake();
    } catch (e) {
      error = e;
    }
    expect(error, 'throws').toBeInstanceOf(PlatformError);
    expect((error as Error).message).toContain(message);
    for (const site of sitesOf(error)) reached.add(site);
  });

  it('has a row reaching each throw site of the constructs', () => {
    expect(throwSites().filter(s => !reached.has(s.site)).map(s => `${s.site}: ${s.text}`)).toEqual([]);
  });
});
