import { describe, expect, it } from 'vitest';
import { BunBlogChart } from '../charts/bun-blog';
import { OffsiteCopyOptions } from '../lib/data/offsite-copy';
import { workloadsOf } from '../lib/model';
import { Postgres } from '../lib/data/postgres';
import { NetworkPolicies } from '../lib/networking/network-policies';
import { credentialsOf } from '../lib/secrets/external-secret';
import { render } from '../lib/synth/render';
import { emptyPlatform, manifestsOf, testChart } from './support/platform';

/*
 * Seed 004's offsite copy as rendered: the dump as an init container, rclone after it, the remote
 * as RCLONE_CONFIG_OFFSITE_* variables, its credentials from an ExternalSecret, and egress to the
 * remote's port only. test/postgres-server.test.ts runs the scripts with the real rclone.
 */

const SFTP: OffsiteCopyOptions = {
  remote: { type: 'sftp', host: 'backup.example.net', port: 23, user: 'u123', knownHosts: '[backup.example.net]:23 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample' },
  path: 'blog',
};

function renderDb(offsite: OffsiteCopyOptions, retentionDays?: number) {
  const { platform, rendering } = renderDbRendering(offsite, retentionDays);
  return { platform, objects: manifestsOf(rendering, 'demo'), rendering };
}

function renderDbRendering(offsite: OffsiteCopyOptions, retentionDays?: number) {
  const platform = emptyPlatform();
  new Postgres(testChart(platform), 'db', {
    database: 'app', storageSize: '1Gi', passwordSecret: { name: 'db-password', key: 'password' },
    dailyBackup: { retentionDays, offsite },
  });
  new NetworkPolicies(platform);
  return { platform, rendering: render(platform) };
}

const jobPod = (objects: Map<string, any>) => objects.get('CronJob/db-backup').spec.jobTemplate.spec.template.spec;
const envOf = (container: any) => Object.fromEntries((container.env as any[]).map(e => [e.name, e.value ?? e.valueFrom]));

describe('the offsite copy of bun-blog (seed 004: 30 days local, 90 offsite)', () => {
  const platform = emptyPlatform();
  new BunBlogChart(platform);
  new NetworkPolicies(platform);
  const objects = manifestsOf(render(platform), 'bun-blog') as Map<string, any>;
  const pod = objects.get('CronJob/postgres-backup').spec.jobTemplate.spec.template.spec;

  it('dumps first (an init container), then copies with the pinned rclone image, as Pod Security "restricted"', () => {
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['pg-dump']);
    expect(pod.containers.map((c: any) => [c.name, c.image, c.command])).toEqual([['offsite-copy', 'docker.io/rclone/rclone:1.71.2', ['sh', '/scripts/offsite.sh']]]);
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true });
    }
    // The copy only reads the dumps.
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'backups', mountPath: '/backups', readOnly: true });
  });

  it('configures the S3 remote through environment variables, keys from the ExternalSecret, and keeps 90 days offsite', () => {
    expect(envOf(pod.containers[0])).toEqual({
      PGDATABASE: 'blog', BACKUP_DIR: '/backups', OFFSITE_RETENTION_DAYS: '90', RCLONE_CONFIG: '',
      RCLONE_CONFIG_OFFSITE_TYPE: 's3', RCLONE_CONFIG_OFFSITE_PROVIDER: 'Other', RCLONE_CONFIG_OFFSITE_ENDPOINT: 'https://s3.example.com',
      RCLONE_CONFIG_OFFSITE_ACCESS_KEY_ID: { secretKeyRef: { name: 'postgres-backup-offsite', key: 'access-key-id' } },
      RCLONE_CONFIG_OFFSITE_SECRET_ACCESS_KEY: { secretKeyRef: { name: 'postgres-backup-offsite', key: 'secret-access-key' } },
      RCLONE_CONFIG_OFFSITE_NO_CHECK_BUCKET: 'true',
      OFFSITE_REMOTE: 'offsite:homelab-backups/bun-blog/postgres',
    });
    expect(envOf(pod.initContainers[0])).toMatchObject({ RETENTION_DAYS: '30' });
    const es = objects.get('ExternalSecret/postgres-backup-offsite');
    expect(es.spec.data).toEqual([
      { secretKey: 'access-key-id', remoteRef: { key: 'bun-blog-postgres-backup-offsite/access-key-id' } },
      { secretKey: 'secret-access-key', remoteRef: { key: 'bun-blog-postgres-backup-offsite/secret-access-key' } },
    ]);
    expect(credentialsOf(platform).external.map(s => `${s.namespace}/${s.name}`)).toContain('bun-blog/postgres-backup-offsite');
  });

  it('opens egress to the internet on 443 for the backup job alone, never to the private ranges', () => {
    const policy = objects.get('NetworkPolicy/postgres-backup');
    expect(policy.spec.egress).toContainEqual({
      ports: [{ port: 443, protocol: 'TCP' }],
      to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }],
    });
    expect(platform.externalConnections.filter(c => c.from.namespace === 'bun-blog').map(c => [c.from.name, c.port ?? 443, c.reason]))
      .toEqual([['postgres-backup', 443, 'copies the database dumps offsite, to the S3 bucket homelab-backups at s3.example.com']]);
  });
});

describe('an SFTP remote', () => {
  const { objects } = renderDb(SFTP);
  const pod = jobPod(objects as Map<string, any>);

  it('logs in with the key from the Secret (a file) and trusts only the host key given', () => {
    expect(envOf(pod.containers[0])).toMatchObject({
      RCLONE_CONFIG_OFFSITE_TYPE: 'sftp', RCLONE_CONFIG_OFFSITE_HOST: 'backup.example.net', RCLONE_CONFIG_OFFSITE_PORT: '23',
      RCLONE_CONFIG_OFFSITE_USER: 'u123', RCLONE_CONFIG_OFFSITE_KEY_FILE: '/credentials/ssh-private-key',
      RCLONE_CONFIG_OFFSITE_KNOWN_HOSTS_FILE: '/scripts/known_hosts', OFFSITE_REMOTE: 'offsite:blog',
    });
    expect((objects.get('ConfigMap/db-backup') as any).data.known_hosts).toBe('[backup.example.net]:23 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample\n');
    expect(pod.volumes).toContainEqual({ name: 'credentials', secret: { secretName: 'db-backup-offsite' } });
    expect((objects.get('ExternalSecret/db-backup-offsite') as any).spec.data.map((d: any) => d.secretKey)).toEqual(['ssh-private-key']);
  });

  it('opens egress on the SFTP port only', () => {
    const egress = (objects.get('NetworkPolicy/db-backup') as any).spec.egress;
    expect(egress.filter((e: any) => e.to[0].ipBlock).map((e: any) => e.ports)).toEqual([[{ port: 23, protocol: 'TCP' }]]);
  });
});

describe('the backup pod\'s size, as quotas and the report count it', () => {
  const backup = (offsite: OffsiteCopyOptions) => workloadsOf(renderDb(offsite).rendering.objects, 1).find(w => w.kind === 'CronJob' && w.name === 'db-backup')!;

  it('is its largest init container when that is bigger than its containers together (the dump: 100m / 128Mi, at most 1 / 512Mi)', () => {
    expect(backup(SFTP)).toMatchObject({ requests: { cpu: 0.1, memory: 128 * 2 ** 20 }, limits: { cpu: 1, memory: 512 * 2 ** 20 } });
  });

  it('is its containers together when they are bigger (a copy given 300m / 1Gi)', () => {
    const big = backup({ ...SFTP, resources: { requests: { cpu: '300m', memory: '1Gi' }, limits: { cpu: '500m', memory: '1Gi' } } });
    expect(big).toMatchObject({ requests: { cpu: 0.3, memory: 2 ** 30 }, limits: { cpu: 1, memory: 2 ** 30 } });
  });
});

describe('bad offsite props are construct errors naming the field', () => {
  const attempt = (offsite: OffsiteCopyOptions, retentionDays?: number) => () => renderDb(offsite, retentionDays);

  it('rejects an offsite retention shorter than the local one', () => {
    expect(attempt({ ...SFTP, retentionDays: 7 }, 30))
      .toThrow('demo/db/Backup: offsite.retentionDays: must be a whole number of days, at least the local retentionDays 30 (got 7); otherwise each run uploads again what it deletes');
  });

  it('rejects an S3 endpoint that is not https, and a bucket name S3 refuses', () => {
    expect(attempt({ remote: { type: 's3', endpoint: 'http://minio.example.com', bucket: 'b-1' }, path: 'x' }))
      .toThrow('demo/db/Backup: offsite.remote.endpoint: "http://minio.example.com" must be an https:// URL with no path');
    expect(attempt({ remote: { type: 's3', endpoint: 'https://s3.example.com', bucket: 'My_Bucket' }, path: 'x' }))
      .toThrow('demo/db/Backup: offsite.remote.bucket: "My_Bucket" is not an S3 bucket name');
  });

  it('rejects an SFTP remote without a known_hosts line, and an empty path', () => {
    expect(attempt({ ...SFTP, remote: { ...SFTP.remote, knownHosts: 'AAAAC3Nz' } as never }))
      .toThrow('demo/db/Backup: offsite.remote.knownHosts: must be a known_hosts line: "[host]:port ssh-ed25519 AAAA..." (ssh-keyscan -p <port> <host>)');
    expect(attempt({ ...SFTP, path: '/' })).toThrow('demo/db/Backup: offsite.path: "/" must name a folder on the remote, without spaces');
  });
});
