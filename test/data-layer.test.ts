import { describe, expect, it } from 'vitest';
import { BlogChart } from '../charts/blog';
import { BunBlogChart } from '../charts/bun-blog';
import { MonitoringChart } from '../charts/monitoring';
import { buildPlatform } from '../charts/platform';
import { UrlShortenerChart } from '../charts/url-shortener';
import { PgBouncer } from '../lib/data/pgbouncer';
import { Postgres, PostgresProps } from '../lib/data/postgres';
import { PostgresPooler } from '../lib/data/postgres-pooler';
import { Valkey, ValkeyProps } from '../lib/data/valkey';
import { GitOpsChart } from '../lib/gitops/gitops-chart';
import { NetworkPolicies } from '../lib/networking/network-policies';
import { scrapeAnnotations } from '../lib/monitoring/scrape';
import { CLOUDNATIVE_PG } from '../lib/operators/cloudnative-pg';
import type { Manifest } from '../lib/model/manifest';
import { render } from '../lib/synth/render';
import { WebService } from '../lib/web/web-service';
import { emptyPlatform, manifestsOf, testChart } from './support/platform';
import { PLATFORMS } from './support/platforms';
import { operatorsOf, requireOperator } from '../lib/operators/require-operator';

const KEEP = { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' };
const spec = (m: Manifest | undefined): any => m!.spec;
const pod = (m: Manifest | undefined): any => spec(m).template.spec;
const STORE = {
  destinationPath: 's3://backups/url-shortener',
  endpointURL: 'https://minio.example.org',
  accessKeyId: { name: 'backup-s3', key: 'access-key-id' },
  secretAccessKey: { name: 'backup-s3', key: 'secret-access-key' },
};

function postgres(props: Partial<PostgresProps>): () => Postgres {
  return () => new Postgres(testChart(emptyPlatform()), 'db', { database: 'app', storageSize: '1Gi', mode: 'cloudnative-pg', ...props } as PostgresProps);
}
function valkey(props: ValkeyProps): () => Valkey {
  return () => new Valkey(testChart(emptyPlatform()), 'cache', props);
}

describe('bad props are construct errors naming the path and the field', () => {
  it('rejects instances below 1', () => {
    expect(postgres({ instances: 0 })).toThrow('demo/db/Cluster: instances: must be a whole number of at least 1 (got 0)');
  });

  it('rejects a storage size that is not a quantity', () => {
    expect(postgres({ storageSize: 'ten gigs' })).toThrow('demo/db: storageSize: "ten gigs" is not a Kubernetes quantity (for example 500m, 2, 128Mi, 10Gi)');
  });

  it('rejects a parameter PostgreSQL does not know, in both modes', () => {
    expect(postgres({ parameters: { shared_bufers: '256MB' } })).toThrow('demo/db/Cluster: parameters.shared_bufers: is not a PostgreSQL 16 parameter');
    expect(postgres({ mode: 'single-instance', passwordSecret: { name: 's', key: 'p' }, parameters: { force_parallel_mode: 'on' } }))
      .toThrow('demo/db/Instance: parameters.force_parallel_mode: is not a PostgreSQL 16 parameter');
  });

  it('rejects read-only parameters and those CloudNativePG sets itself', () => {
    expect(postgres({ parameters: { block_size: '16384' } })).toThrow('demo/db/Cluster: parameters.block_size: is a read-only PostgreSQL parameter');
    expect(postgres({ parameters: { port: '5433' } })).toThrow('demo/db/Cluster: parameters.port: is set by CloudNativePG itself and cannot be overridden');
  });

  it('rejects a Pooler without a cluster, and PgBouncer without a database', () => {
    expect(() => new PostgresPooler(testChart(emptyPlatform()), 'pooler', {} as never))
      .toThrow('demo/pooler: cluster: a Pooler needs the CloudNativePG cluster it pools connections to');
    expect(() => new PgBouncer(testChart(emptyPlatform()), 'pooler', {} as never))
      .toThrow('demo/pooler: postgres: a pooler needs the database it pools connections to');
  });

  it('rejects Sentinel with fewer than 3 sentinels or a quorum above their count', () => {
    expect(valkey({ sentinel: { sentinels: 2 } })).toThrow('demo/cache: sentinel.sentinels: must be at least 3 (got 2); fewer cannot keep a majority when one is lost');
    expect(valkey({ sentinel: { quorum: 4 } })).toThrow('demo/cache: sentinel.quorum: must be between 1 and the number of sentinels, 3 (got 4)');
    expect(valkey({ sentinel: { quorum: 0 } })).toThrow('demo/cache: sentinel.quorum: must be between 1 and the number of sentinels, 3 (got 0)');
  });

  it('rejects props that belong to the other mode', () => {
    expect(postgres({ passwordSecret: { name: 's', key: 'p' } })).toThrow('demo/db: passwordSecret: CloudNativePG generates the password into the "db-app" Secret; remove passwordSecret');
    expect(postgres({ mode: 'single-instance', passwordSecret: { name: 's', key: 'p' }, instances: 3 }))
      .toThrow("demo/db: instances: a single instance runs exactly 1 (got 3); use mode 'cloudnative-pg' for replicas");
    expect(postgres({ mode: 'single-instance', passwordSecret: { name: 's', key: 'p' }, objectStore: STORE }))
      .toThrow("demo/db: objectStore: needs mode 'cloudnative-pg'; a single instance backs up through dailyBackup");
    expect(postgres({ mode: 'single-instance' })).toThrow('demo/db: passwordSecret: a single instance needs a pre-created Secret with the password');
  });

  it('rejects a backup schedule that is not a 6-field cron, and a retention of 0 days', () => {
    expect(postgres({ objectStore: { ...STORE, schedule: '0 3 * * *' } }))
      .toThrow('demo/db/Cluster: objectStore.schedule: "0 3 * * *" is not a 6-field cron (seconds minutes hours day month weekday)');
    expect(postgres({ mode: 'single-instance', passwordSecret: { name: 's', key: 'p' }, dailyBackup: { retentionDays: 0 } }))
      .toThrow('demo/db/Backup: retentionDays: must be a whole number of days, at least 1 (got 0)');
  });
});

describe('url-shortener (seed 002)', () => {
  const platform = buildPlatform();
  const rendering = render(platform);
  const objects = manifestsOf(rendering, 'url-shortener');
  const chart = platform.apps.find(a => a.appName === 'url-shortener') as UrlShortenerChart;

  it('runs a CloudNativePG cluster of 3 instances on 5Gi with the seed parameters and resources', () => {
    const cluster = objects.get('Cluster/postgres');
    expect(cluster!.metadata.annotations).toEqual(KEEP);
    expect(spec(cluster)).toMatchObject({
      instances: 3,
      imageName: expect.stringMatching(/^ghcr\.io\/cloudnative-pg\/postgresql:16\.\d+/),
      storage: { size: '5Gi' },
      postgresql: { parameters: { shared_buffers: '256MB', max_connections: '200' } },
      bootstrap: { initdb: { database: 'urlshortener', owner: 'urlshortener' } },
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
      affinity: { enablePodAntiAffinity: true, topologyKey: 'kubernetes.io/hostname' },
    });
  });

  it('has Prometheus scrape the instances on 9187 through the one annotation convention', () => {
    expect(spec(objects.get('Cluster/postgres')).inheritedMetadata).toEqual({ annotations: scrapeAnnotations({ port: 9187 }) });
  });

  it('pools connections with PgBouncer in transaction mode on 2 pods', () => {
    expect(spec(objects.get('Pooler/postgres-pooler-rw'))).toMatchObject({
      cluster: { name: 'postgres' }, instances: 2, type: 'rw', pgbouncer: { poolMode: 'transaction' },
    });
  });

  it('tells the service where to connect: the pooler, the app Secret, the Sentinel Service and master name', () => {
    expect(chart.databaseHost).toBe('postgres-pooler-rw');
    expect(chart.databasePort).toBe(5432);
    expect(chart.databaseSecretName).toBe('postgres-app');
    expect(chart.sentinelHost).toBe('valkey-sentinel');
    expect(chart.sentinelPort).toBe(26379);
    expect(chart.sentinelMasterName).toBe('mymaster');
    expect(chart.cacheTtl.toSeconds()).toBe(30);
    expect(chart.cachePasswordSecret).toEqual({ name: 'url-shortener-valkey', key: 'password' });
    expect(spec(objects.get('Service/valkey-sentinel')).ports).toEqual([{ name: 'sentinel', port: 26379, targetPort: 'sentinel' }]);
  });

  it('runs Valkey as 1 primary + 3 replicas and 3 Sentinels, spread across nodes, one pod down at a time', () => {
    expect(spec(objects.get('StatefulSet/valkey')).replicas).toBe(4);
    expect(spec(objects.get('StatefulSet/valkey-sentinel')).replicas).toBe(3);
    expect(pod(objects.get('StatefulSet/valkey')).topologySpreadConstraints[0].topologyKey).toBe('kubernetes.io/hostname');
    for (const name of ['valkey', 'valkey-sentinel']) {
      expect(spec(objects.get(`PodDisruptionBudget/${name}`)).maxUnavailable).toBe(1);
    }
    expect(spec(objects.get('Service/valkey'))).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(spec(objects.get('Service/valkey-sentinel-headless'))).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
  });

  it('uses hostnames everywhere: pod 0 in sentinel.conf, each pod announcing its own', () => {
    const data = (objects.get('ConfigMap/valkey') as any).data;
    expect(data['sentinel.conf']).toContain('sentinel resolve-hostnames yes\nsentinel announce-hostnames yes\n');
    expect(data['sentinel.conf']).toContain('sentinel monitor mymaster valkey-0.valkey.url-shortener.svc.cluster.local 6379 2\n');
    const env = (name: string) => Object.fromEntries(pod(objects.get(`StatefulSet/${name}`)).containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env('valkey').ANNOUNCE_HOST).toBe('$(POD_NAME).valkey.url-shortener.svc.cluster.local');
    expect(env('valkey-sentinel').ANNOUNCE_HOST).toBe('$(POD_NAME).valkey-sentinel-headless.url-shortener.svc.cluster.local');
    expect(env('valkey').POD_NAME).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
    expect(data['start-valkey.sh']).toContain('echo "replica-announce-ip $ANNOUNCE_HOST"');
    expect(data['start-sentinel.sh']).toContain('echo "sentinel announce-ip $ANNOUNCE_HOST"');
  });

  it('copies sentinel.conf from the ConfigMap into an emptyDir before Sentinel starts', () => {
    const sentinel = pod(objects.get('StatefulSet/valkey-sentinel'));
    expect(sentinel.containers[0].command).toEqual(['sh', '/etc/valkey/start-sentinel.sh']);
    expect(sentinel.containers[0].volumeMounts).toEqual([
      { name: 'config', mountPath: '/etc/valkey', readOnly: true },
      { name: 'data', mountPath: '/data' },
    ]);
    expect(sentinel.volumes).toContainEqual({ name: 'data', emptyDir: {} });
    expect((objects.get('ConfigMap/valkey') as any).data['start-sentinel.sh']).toContain('} > "$conf"\nexec valkey-server "$conf" --sentinel\n');
  });

  it('is a cache: no persistence, maxmemory at 75% of the 512Mi limit, allkeys-lru, seed resources', () => {
    const conf = (objects.get('ConfigMap/valkey') as any).data['valkey.conf'];
    expect(conf).toContain('save ""\nappendonly no\nmaxmemory 402653184\nmaxmemory-policy allkeys-lru\n');
    expect(pod(objects.get('StatefulSet/valkey')).containers[0].resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
  });

  it('scrapes every Valkey pod through its exporter sidecar', () => {
    const template = spec(objects.get('StatefulSet/valkey')).template;
    expect(template.metadata.annotations).toMatchObject(scrapeAnnotations({ port: 9121 }));
    expect(template.spec.containers[1]).toMatchObject({ name: 'exporter', ports: [{ name: 'metrics', containerPort: 9121 }] });
  });

  it('passes a referenced password as requirepass, masterauth and sentinel auth-pass', () => {
    const p = emptyPlatform();
    new UrlShortenerChart(p, 'url-shortener', { cache: { passwordSecret: { name: 'valkey', key: 'password' } } });
    expect((objects.get('ConfigMap/valkey') as any).data['valkey.conf']).toContain('protected-mode yes');
    const o = manifestsOf(render(p), 'url-shortener');
    const env = pod(o.get('StatefulSet/valkey-sentinel')).containers[0].env;
    expect(env).toContainEqual({ name: 'VALKEY_PASSWORD', valueFrom: { secretKeyRef: { name: 'valkey', key: 'password' } } });
    const data = (o.get('ConfigMap/valkey') as any).data;
    expect(data['start-valkey.sh']).toContain('echo "requirepass $VALKEY_PASSWORD"\n    echo "masterauth $VALKEY_PASSWORD"');
    expect(data['start-sentinel.sh']).toContain('echo "sentinel auth-pass $MASTER_NAME $VALKEY_PASSWORD"');
    expect(data['valkey.conf']).toContain('protected-mode yes');
  });
});

describe('backups through the Barman Cloud plugin', () => {
  const platform = emptyPlatform();
  new UrlShortenerChart(platform, 'url-shortener', { database: { objectStore: STORE } });
  new UrlShortenerChart(platform, 'other', { service: { hostname: 'short.other.example.com' }, database: { objectStore: { ...STORE, destinationPath: 's3://backups/other' } } });
  new GitOpsChart(platform);
  const rendering = render(platform);
  const objects = manifestsOf(rendering, 'url-shortener');
  const argo = rendering.objects.filter(o => o.file.startsWith('argocd/'));

  it('archives to an ObjectStore, names it in the Cluster plugins, and schedules a plugin backup with a 6-field cron', () => {
    expect(spec(objects.get('ObjectStore/postgres'))).toMatchObject({
      retentionPolicy: '30d',
      configuration: {
        destinationPath: 's3://backups/url-shortener',
        endpointURL: 'https://minio.example.org',
        s3Credentials: { accessKeyId: STORE.accessKeyId, secretAccessKey: STORE.secretAccessKey },
      },
    });
    expect(spec(objects.get('Cluster/postgres')).plugins).toEqual([
      { name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 'postgres' } },
    ]);
    expect(spec(objects.get('ScheduledBackup/postgres'))).toEqual({
      schedule: '0 0 3 * * *', cluster: { name: 'postgres' }, method: 'plugin', pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
      backupOwnerReference: 'self', immediate: true,
    });
  });

  it('has Barman Cloud compute checksums only where S3 requires them when the store is not AWS (an endpointURL), and leaves AWS S3 alone', () => {
    expect(spec(objects.get('ObjectStore/postgres')).instanceSidecarConfiguration).toEqual({ env: [
      { name: 'AWS_REQUEST_CHECKSUM_CALCULATION', value: 'when_required' },
      { name: 'AWS_RESPONSE_CHECKSUM_VALIDATION', value: 'when_required' },
    ] });
    const aws = emptyPlatform();
    new UrlShortenerChart(aws, 'url-shortener', { database: { objectStore: { ...STORE, endpointURL: undefined } } });
    expect(spec(manifestsOf(render(aws), 'url-shortener').get('ObjectStore/postgres')).instanceSidecarConfiguration).toBeUndefined();
  });

  it('lets the instances and the recovery Job reach the object store on the internet, on its port, and declares why', () => {
    const withPolicies = emptyPlatform();
    new UrlShortenerChart(withPolicies, 'url-shortener', { database: { objectStore: { ...STORE, endpointURL: 'https://minio.example.org:9000' } } });
    new NetworkPolicies(withPolicies);
    const policies = manifestsOf(render(withPolicies), 'url-shortener');
    const toStore = { ports: [{ port: 9000, protocol: 'TCP' }], to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }] };
    expect(spec(policies.get('NetworkPolicy/postgres')).egress).toContainEqual(toStore);
    expect(spec(policies.get('NetworkPolicy/postgres-jobs')).egress).toContainEqual(toStore);
    expect(withPolicies.externalConnections.map(c => [c.from.name, c.port, c.reason]))
      .toEqual([['postgres', 9000, 'archives WAL and base backups to the S3 bucket backups at minio.example.org:9000']]);
  });

  it('declares the backup alerts (the plugin\'s metrics, WAL archiving) for a cluster with an object store only', () => {
    const withRules = emptyPlatform();
    new UrlShortenerChart(withRules, 'url-shortener', { database: { objectStore: STORE } });
    new UrlShortenerChart(withRules, 'plain', { service: { hostname: 'short.plain.example.com' } });
    new MonitoringChart(withRules);
    const files = (manifestsOf(render(withRules), 'monitoring').get('ConfigMap/prometheus-rules') as any).data as Record<string, string>;
    expect(Object.keys(files).filter(f => /postgres-(backups|postgres)\.yml$/.test(f)).sort())
      .toEqual(['plain-postgres-postgres.yml', 'url-shortener-postgres-backups.yml', 'url-shortener-postgres-postgres.yml']);
    expect(files['url-shortener-postgres-backups.yml']).toContain('barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{namespace="url-shortener",service="postgres"}');
  });

  it('installs each required operator once, rendered from its pinned chart; the plugin beside CloudNativePG, synced after cert-manager', () => {
    const apps = argo.filter(o => o.manifest.kind === 'Application' && o.manifest.metadata.name !== 'root').map(o => o.manifest as any);
    const wave = (a: any) => Number(a.metadata.annotations['argocd.argoproj.io/sync-wave']);
    expect(apps.map(a => [a.metadata.name, a.spec.source.path, a.spec.destination.namespace, a.spec.project, wave(a)])).toEqual([
      ['cert-manager', 'dist/system/cert-manager', 'cert-manager', 'system', -2],
      ['cloudnative-pg', 'dist/system/cloudnative-pg', 'cnpg-system', 'system', -1],
      ['external-secrets', 'dist/system/external-secrets', 'external-secrets', 'system', -2],
    ]);
    expect(apps[1].spec.syncPolicy.syncOptions).toEqual(['CreateNamespace=true', 'ServerSideApply=true']);
    // The plugin must run in the operator's namespace: one app, one quota, one Application.
    const origins = new Set(rendering.objects.filter(o => o.file.startsWith('dist/system/cloudnative-pg/') && o.origin).map(o => o.origin!.split(':')[0]));
    expect(origins).toEqual(new Set(['chart cloudnative-pg 0.29.0', 'chart plugin-barman-cloud 0.7.0']));
  });
});

describe('operators are derived from what the charts use', () => {
  it('installs no operator when no chart uses one', () => {
    const platform = emptyPlatform();
    new WebService(testChart(platform), 'web', { image: 'registry.example.com/web:1.0.0', port: 8080 });
    new GitOpsChart(platform);
    const kinds = render(platform).objects.filter(o => o.file.startsWith('argocd/')).map(o => o.file);
    expect(kinds.some(f => f.includes('application-') && !f.includes('application-root') || f.includes('operators'))).toBe(false);
  });

  it('installs cert-manager for certificates and external-secrets for ExternalSecrets, and CloudNativePG only for its clusters', () => {
    const platform = emptyPlatform();
    new BlogChart(platform);
    new GitOpsChart(platform);
    expect(operatorsOf(platform).map(o => o.name)).toEqual(['cert-manager', 'external-secrets']);
  });

  it('allows CustomResourceDefinitions in the system project only', () => {
    const projects = render(buildPlatform()).objects.filter(o => o.manifest.kind === 'AppProject').map(o => o.manifest as any);
    const withCrds = projects.filter(p => (p.spec.clusterResourceWhitelist ?? []).some((r: any) => r.kind === 'CustomResourceDefinition'));
    expect(withCrds.map(p => p.metadata.name)).toEqual(['system']);
  });

  it('refuses two different definitions of one operator', () => {
    const platform = emptyPlatform();
    const chart = testChart(platform);
    requireOperator(chart, CLOUDNATIVE_PG);
    expect(() => requireOperator(chart, { ...CLOUDNATIVE_PG, version: '0.1.0' }))
      .toThrow('demo: operator "cloudnative-pg" is already required by demo with another definition (chart cloudnative-pg 0.29.0)');
  });

  it('installs an operator required by a chart created after the GitOps chart', () => {
    const platform = emptyPlatform();
    new GitOpsChart(platform);
    requireOperator(testChart(platform), CLOUDNATIVE_PG);
    expect(render(platform).objects.some(o => o.manifest.kind === 'Application' && o.manifest.metadata.name === 'cloudnative-pg')).toBe(true);
  });

  it('refuses an operator required once the platform is derived, naming the construct', () => {
    const platform = emptyPlatform();
    const chart = testChart(platform);
    new GitOpsChart(platform);
    render(platform);
    expect(() => requireOperator(chart, CLOUDNATIVE_PG)).toThrow('demo: declares operator "cloudnative-pg" once the platform is derived, where nothing reads it; declare it in a chart\'s constructor');
  });
});

describe('single-instance PostgreSQL (seeds 000 and 004)', () => {
  const rendering = render(buildPlatform());
  const bun = manifestsOf(rendering, 'bun-blog');
  const blog = manifestsOf(rendering, 'blog');

  it('runs as the image UID with fsGroup, Pod Security restricted, and keeps its data on prune and delete', () => {
    const set = blog.get('StatefulSet/postgres');
    expect(pod(set).securityContext).toEqual({ runAsNonRoot: true, runAsUser: 70, runAsGroup: 70, fsGroup: 70, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod(set).containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true });
    expect(set!.metadata.annotations).toEqual(KEEP);
    expect(spec(set).volumeClaimTemplates[0].metadata.annotations).toEqual(KEEP);
    expect(pod(set).containers[0].livenessProbe.exec.command).toEqual(['pg_isready', '--host', '127.0.0.1', '--username', 'blog', '--dbname', 'blog']);
  });

  it('passes parameters to the server as -c flags', () => {
    const p = emptyPlatform();
    const chart = testChart(p);
    new Postgres(chart, 'db', { database: 'app', storageSize: '1Gi', passwordSecret: { name: 's', key: 'p' }, parameters: { shared_buffers: '128MB' } });
    expect(pod(manifestsOf(render(p), 'demo').get('StatefulSet/db')).containers[0].args).toEqual(['-c', 'shared_buffers=128MB']);
  });

  it('backs up bun-blog daily with pg_dump, one run at a time, with deadlines and a TTL, keeping 30 days', () => {
    const cron = spec(bun.get('CronJob/postgres-backup'));
    expect(cron).toMatchObject({
      schedule: '0 3 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 3600,
      jobTemplate: { spec: { backoffLimit: 2, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 259200 } },
    });
    const job = cron.jobTemplate.spec.template.spec;
    expect(job.restartPolicy).toBe('Never');
    expect(job.securityContext.runAsNonRoot).toBe(true);
    expect(job.initContainers[0].env).toContainEqual({ name: 'RETENTION_DAYS', value: '30' });
    expect(job.initContainers[0].env).toContainEqual({ name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'bun-blog-postgres', key: 'password' } } });
    expect(job.volumes).toContainEqual({ name: 'backups', persistentVolumeClaim: { claimName: 'postgres-backup' } });
    expect(bun.get('PersistentVolumeClaim/postgres-backup')!.metadata.annotations).toEqual(KEEP);
  });

  it('puts PgBouncer in front of bun-blog and points the app at it', () => {
    const bouncer = pod(bun.get('Deployment/postgres-pooler')).containers[0];
    expect(bouncer.env).toContainEqual({ name: 'DB_HOST', value: 'postgres' });
    expect(bouncer.env).toContainEqual({ name: 'POOL_MODE', value: 'transaction' });
    expect(pod(bun.get('Deployment/blog')).containers[0].env).toContainEqual({ name: 'PGHOST', value: 'postgres-pooler' });
  });

  it('preserves the resources of the apps category when its ApplicationSet is deleted', () => {
    const set = rendering.objects.find(o => o.file === 'argocd/applicationset-apps.yaml')!.manifest as any;
    expect(set.spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: true });
  });

  it('keeps the existing chart constructors working', () => {
    expect(() => new BunBlogChart(emptyPlatform(), 'bun-blog', { backup: { retentionDays: 7 } })).not.toThrow();
  });
});

describe.each(PLATFORMS)('every data-layer pod of %s meets what the validator checks', (_, build) => {
  const platform = build();
  const rendering = render(platform);
  const dataKinds = new Set(['StatefulSet', 'Deployment', 'CronJob']);
  // Whatever the Postgres and Valkey constructs render, in any app.
  const dataPaths = platform.node.findAll().filter(c => c instanceof Postgres || c instanceof Valkey).map(c => `${c.node.path}/`);
  const workloads = rendering.objects.filter(o => dataPaths.some(p => o.constructPath.startsWith(p))).map(o => o.manifest as any)
    .filter(m => dataKinds.has(m.kind));
  const templateOf = (m: any) => (m.kind === 'CronJob' ? m.spec.jobTemplate.spec.template : m.spec.template);

  it('covers the databases, poolers, caches, Sentinels and backup jobs', () => {
    expect(workloads.map(m => `${m.metadata.namespace}/${m.kind}/${m.metadata.name}`).sort()).toEqual(expect.arrayContaining([
      'blog/StatefulSet/postgres', 'blog/StatefulSet/valkey',
      'bun-blog/CronJob/postgres-backup', 'bun-blog/Deployment/postgres-pooler', 'bun-blog/StatefulSet/postgres',
      'url-shortener/StatefulSet/valkey', 'url-shortener/StatefulSet/valkey-sentinel',
    ]));
  });

  it('runs as Pod Security "restricted": non-root, RuntimeDefault seccomp, no privilege escalation, no capabilities', () => {
    for (const m of workloads) {
      const spec = templateOf(m).spec;
      expect(spec.securityContext, m.metadata.name).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      for (const c of spec.containers) expect(c.securityContext, `${m.metadata.name}/${c.name}`).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    }
  });

  it('sets requests and memory limits, and distinct readiness and liveness probes on long-running pods', () => {
    for (const m of workloads) {
      for (const c of templateOf(m).spec.containers) {
        const where = `${m.metadata.name}/${c.name}`;
        expect(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory, where).toBeTruthy();
        if (m.kind === 'CronJob') continue;
        expect(c.readinessProbe, where).toBeDefined();
        expect(JSON.stringify(c.livenessProbe), where).not.toBe(JSON.stringify(c.readinessProbe));
      }
    }
  });

  it('gives every replicated workload a PodDisruptionBudget that allows one eviction, and spreads it', () => {
    const pdbs = rendering.objects.map(o => o.manifest as any).filter(m => m.kind === 'PodDisruptionBudget');
    for (const m of workloads.filter(w => (w.spec.replicas ?? 1) > 1)) {
      const labels = templateOf(m).metadata.labels;
      const pdb = pdbs.find(p => p.metadata.namespace === m.metadata.namespace && Object.entries(p.spec.selector.matchLabels).every(([k, v]) => labels[k] === v));
      expect(pdb?.spec.maxUnavailable, m.metadata.name).toBe(1);
      expect(templateOf(m).spec.topologySpreadConstraints, m.metadata.name).toHaveLength(1);
    }
  });
});
