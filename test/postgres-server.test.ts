import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BunBlogChart } from '../charts/bun-blog';
import { UrlShortenerChart } from '../charts/url-shortener';
import { postgresArgs } from '../lib/data/postgres-instance';
import { POSTGRES_16_CHANGES, POSTGRES_16_PARAMETERS, POSTGRES_16_READ_ONLY } from '../lib/data/postgres-parameters';
import { render } from '../lib/synth/render';
import { pinnedRclone } from './support/pinned-tools';
import { emptyPlatform, manifestsOf, tempDir } from './support/platform';
import { Processes, busyboxPath, freePort, postgresBin, requireProgram, waitFor } from './support/servers';

/*
 * A real PostgreSQL server started with the generated parameters. The images run PostgreSQL 16;
 * Debian here has 15. None of the parameters the charts set (shared_buffers, max_connections)
 * differs between 15 and 16. The names that do differ are POSTGRES_16_CHANGES: added in 16
 * (e.g. reserved_connections, scram_iterations, vacuum_buffer_usage_limit), removed in 16
 * (force_parallel_mode, promote_trigger_file, vacuum_defer_cleanup_age), and the read-only
 * lc_collate and lc_ctype, gone in 16. The backup script runs with busybox's sh, find and date,
 * as in the Alpine image, and Debian's pg_dump; the offsite copy with busybox's sh and the rclone
 * of the image's version (built from its Go module, scripts/build-rclone.sh) against `rclone serve
 * sftp` on a loopback port.
 */

const PASSWORD = 'backup-test-password';

const processes = new Processes();
const dir = tempDir('postgres-server-');
let port = 0;
let server: ReturnType<Processes['start']> | undefined;
let parameters: Record<string, string> = {};
const psql = (sql: string, database = 'postgres') => execFileSync(requireProgram('psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', database, '-Atc', sql], {
  encoding: 'utf8', env: { ...process.env, PGPASSWORD: PASSWORD }, stdio: ['ignore', 'pipe', 'pipe'],
}).trim();

beforeAll(async () => {
  const initdb = postgresBin('initdb');
  const postgres = postgresBin('postgres');
  requireProgram('psql');
  const platform = emptyPlatform();
  new UrlShortenerChart(platform);
  const cluster = manifestsOf(render(platform), 'url-shortener').get('Cluster/postgres') as any;
  parameters = cluster.spec.postgresql.parameters;

  // initdb refuses to run as root: as root, the server runs as the postgres user, in a folder it owns.
  const asUser: { uid?: number; gid?: number } = process.getuid?.() === 0 ? postgresUser() : {};
  fs.chmodSync(dir, 0o755);
  const data = path.join(dir, 'data');
  fs.writeFileSync(path.join(dir, 'pwfile'), PASSWORD);
  if (asUser.uid !== undefined) execFileSync('chown', ['-R', `${asUser.uid}:${asUser.gid}`, dir]);
  execFileSync(initdb, ['-D', data, '-U', 'postgres', '--pwfile', path.join(dir, 'pwfile'), '-A', 'scram-sha-256'], { stdio: 'ignore', ...asUser });
  port = await freePort();
  server = processes.start(postgres, ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
    ...postgresArgs(parameters)!], { logFile: path.join(dir, 'server.log'), ...asUser });
  await waitFor('PostgreSQL to accept connections', () => (psql('select 1') === '1' ? true : undefined), 30_000);
}, 60_000);

afterAll(async () => {
  // A fast shutdown, so no backend outlives the test.
  if (server) await processes.stop(server, 'SIGINT');
  await processes.stopAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** UID and GID of the postgres user the Debian package creates. */
function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

describe('CloudNativePG parameters (seed 002) on a real PostgreSQL', () => {
  it('starts with every generated parameter, passed the way the single-instance StatefulSet passes them, and SHOW returns each value', () => {
    expect(parameters).toEqual({ shared_buffers: '256MB', max_connections: '200' });
    for (const [name, value] of Object.entries(parameters)) expect(psql(`SHOW ${name}`)).toBe(value);
  });

  it('knows exactly the PostgreSQL 16 parameter names: those of the running 15 server with the 16 changes applied', () => {
    const rows = psql("select name || ' ' || context from pg_settings").split('\n').map(l => l.split(' '));
    const settable = new Set(rows.filter(([, c]) => c !== 'internal').map(([n]) => n));
    const readOnly = new Set(rows.filter(([, c]) => c === 'internal').map(([n]) => n));
    for (const name of POSTGRES_16_CHANGES.removed) settable.delete(name);
    for (const name of POSTGRES_16_CHANGES.added) settable.add(name);
    // Debian's 15 may predate the point release that added these; the 16 image has them.
    for (const name of POSTGRES_16_CHANGES.pointReleaseAdditions) settable.add(name);
    for (const name of POSTGRES_16_CHANGES.removedReadOnly) readOnly.delete(name);
    expect([...POSTGRES_16_PARAMETERS].sort()).toEqual([...settable].sort());
    expect([...POSTGRES_16_READ_ONLY].sort()).toEqual([...readOnly].sort());
  });
});

describe('the daily backup job (seed 004) against a real database', () => {
  const platform = emptyPlatform();
  new BunBlogChart(platform);
  const objects = manifestsOf(render(platform), 'bun-blog');
  const script = (objects.get('ConfigMap/postgres-backup') as any).data['backup.sh'] as string;
  // The dump: the init container when the dumps are also copied offsite (bun-blog's default).
  const jobPod = (objects.get('CronJob/postgres-backup') as any).spec.jobTemplate.spec.template.spec;
  const container = [...(jobPod.initContainers ?? []), ...jobPod.containers].find((c: { name: string }) => c.name === 'pg-dump');
  const jobEnv = Object.fromEntries((container.env as { name: string; value?: string }[]).filter(e => e.value !== undefined).map(e => [e.name, e.value!]));

  /** Runs the script as the job does, with busybox's sh and tools (those of the Alpine image) first on PATH. */
  function runBackup(backupDir: string, overrides: Record<string, string> = {}) {
    fs.writeFileSync(path.join(dir, 'backup.sh'), script);
    requireProgram('pg_dump');
    const PATH = `${busyboxPath(dir)}:${process.env.PATH}`;
    return spawnSync('sh', [path.join(dir, 'backup.sh')], {
      encoding: 'utf8',
      env: { PATH, ...jobEnv, PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: 'postgres', PGPASSWORD: PASSWORD, BACKUP_DIR: backupDir, ...overrides },
    });
  }

  function dumpFile(backupDir: string, name: string, ageDays: number): string {
    const file = path.join(backupDir, name);
    fs.writeFileSync(file, 'old dump');
    const when = new Date(Date.now() - ageDays * 86_400_000);
    fs.utimesSync(file, when, when);
    return file;
  }

  it('keeps 30 days in the job environment, and runs pg_dump from the script in the ConfigMap', () => {
    expect(jobEnv).toMatchObject({ PGHOST: 'postgres', PGPORT: '5432', PGDATABASE: 'blog', PGUSER: 'blog', BACKUP_DIR: '/backups', RETENTION_DAYS: '30' });
    expect(container.command).toEqual(['sh', '/scripts/backup.sh']);
  });

  it('writes a dump that pg_restore can read, and removes only dumps older than the retention', () => {
    psql('create database blog');
    psql("create table posts (id text primary key, title text); insert into posts values ('1', 'hello')", 'blog');
    const backupDir = fs.mkdtempSync(path.join(dir, 'backups-'));
    const expired = dumpFile(backupDir, 'blog-20200101T030000Z.dump', 31);
    const kept = dumpFile(backupDir, 'blog-20200102T030000Z.dump', 29);
    const otherDatabase = dumpFile(backupDir, 'other-20200101T030000Z.dump', 40);

    const result = runBackup(backupDir);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);

    const fresh = fs.readdirSync(backupDir).filter(f => /^blog-\d{8}T\d{6}Z\.dump$/.test(f) && !f.startsWith('blog-2020'));
    expect(fresh).toHaveLength(1);
    const listing = execFileSync(requireProgram('pg_restore'), ['--list', path.join(backupDir, fresh[0])], { encoding: 'utf8' });
    expect(listing).toContain('TABLE public posts');
    expect(fs.existsSync(expired)).toBe(false);
    expect(fs.existsSync(kept)).toBe(true);
    expect(fs.existsSync(otherDatabase)).toBe(true);
    expect(fs.readdirSync(backupDir).filter(f => f.endsWith('.partial'))).toEqual([]);
    expect(result.stdout).toContain('2 dump(s) kept');
  });

  it('fails without removing anything when the database cannot be dumped', () => {
    const backupDir = fs.mkdtempSync(path.join(dir, 'backups-'));
    const expired = dumpFile(backupDir, 'blog-20200101T030000Z.dump', 31);
    const result = runBackup(backupDir, { PGPASSWORD: 'wrong' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('password authentication failed');
    expect(fs.existsSync(expired)).toBe(true);
  });
});

/** An Ed25519 key pair: the private key in PKCS#8 PEM (which rclone's SSH library reads) and the public key's OpenSSH line. */
function sshKeyPair(): { privatePem: string; publicLine: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from((publicKey.export({ format: 'jwk' }) as { x: string }).x, 'base64url');
  const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  const blob = Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]);
  return { privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, publicLine: `ssh-ed25519 ${blob.toString('base64')}` };
}

describe('the offsite copy (seed 004) with the real rclone, to a loopback SFTP server', () => {
  const sftpDir = path.join(dir, 'offsite');
  const remoteRoot = path.join(sftpDir, 'remote');
  const client = sshKeyPair();
  const host = sshKeyPair();
  let sftpPort = 0;
  let objects: Map<string, any>;

  beforeAll(async () => {
    fs.mkdirSync(remoteRoot, { recursive: true });
    fs.writeFileSync(path.join(sftpDir, 'authorized_keys'), `${client.publicLine}\n`);
    fs.writeFileSync(path.join(sftpDir, 'host_key'), host.privatePem, { mode: 0o600 });
    sftpPort = await freePort();
    processes.start(pinnedRclone(), ['serve', 'sftp', remoteRoot, `--addr=127.0.0.1:${sftpPort}`,
      `--authorized-keys=${path.join(sftpDir, 'authorized_keys')}`, `--key=${path.join(sftpDir, 'host_key')}`, '--config='], { logFile: path.join(sftpDir, 'serve.log') });
    await waitFor('rclone serve sftp to listen', () => new Promise<true | undefined>(resolve => {
      const socket = net.connect(sftpPort, '127.0.0.1', () => { socket.destroy(); resolve(true); }).on('error', () => resolve(undefined));
    }), 20_000);
    // The chart as an operator with an SFTP remote would configure it (this server and its host key).
    const platform = emptyPlatform();
    new BunBlogChart(platform, 'bun-blog', { backup: { offsite: { remote: {
      type: 'sftp', host: '127.0.0.1', port: sftpPort, user: 'backup', knownHosts: `[127.0.0.1]:${sftpPort} ${host.publicLine}`,
    } } } });
    objects = manifestsOf(render(platform), 'bun-blog') as Map<string, any>;
    if (!psql("select 1 from pg_database where datname = 'blog'")) psql('create database blog');
    psql("create table if not exists posts (id text primary key, title text); insert into posts values ('offsite', 'hello') on conflict do nothing", 'blog');
  }, 60_000);

  /** A file with a modification time `ageDays` ago. */
  function aged(folder: string, name: string, ageDays: number): string {
    fs.mkdirSync(folder, { recursive: true });
    const file = path.join(folder, name);
    fs.writeFileSync(file, `dump of ${name}`);
    const when = new Date(Date.now() - ageDays * 86_400_000);
    fs.utimesSync(file, when, when);
    return file;
  }

  const pod = () => objects.get('CronJob/postgres-backup').spec.jobTemplate.spec.template.spec;
  const plainEnv = (c: any) => Object.fromEntries((c.env as { name: string; value?: string }[]).filter(e => e.value !== undefined).map(e => [e.name, e.value!]));

  /**
   * Runs the Job's two steps as the pod does: the dump (init container), then, only if it
   * succeeded, the offsite copy, each with its rendered environment; files the pod mounts
   * (scripts, known_hosts, the key from the Secret) are written to a folder and their paths swapped.
   */
  function runJob(backupDir: string, overrides: Record<string, string> = {}) {
    const cm = objects.get('ConfigMap/postgres-backup').data as Record<string, string>;
    const scripts = fs.mkdtempSync(path.join(sftpDir, 'scripts-'));
    for (const [name, content] of Object.entries(cm)) fs.writeFileSync(path.join(scripts, name), content);
    const key = path.join(scripts, 'ssh-private-key');
    fs.writeFileSync(key, client.privatePem, { mode: 0o600 });
    const PATH = `${busyboxPath(dir)}:${path.dirname(pinnedRclone())}:/usr/bin:/bin`;
    requireProgram('pg_dump');
    const dump = spawnSync('sh', [path.join(scripts, 'backup.sh')], {
      encoding: 'utf8',
      env: { PATH, ...plainEnv(pod().initContainers[0]), PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: 'postgres', PGPASSWORD: PASSWORD, BACKUP_DIR: backupDir },
    });
    if (dump.status !== 0) return { dump, copy: undefined };
    const copyEnv = plainEnv(pod().containers[0]);
    expect(copyEnv.RCLONE_CONFIG_OFFSITE_KEY_FILE).toBe('/credentials/ssh-private-key');
    expect(copyEnv.RCLONE_CONFIG_OFFSITE_KNOWN_HOSTS_FILE).toBe('/scripts/known_hosts');
    const copy = spawnSync('sh', [path.join(scripts, 'offsite.sh')], {
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        PATH, HOME: scripts, ...copyEnv, BACKUP_DIR: backupDir,
        RCLONE_CONFIG_OFFSITE_KEY_FILE: key, RCLONE_CONFIG_OFFSITE_KNOWN_HOSTS_FILE: path.join(scripts, 'known_hosts'),
        ...overrides,
      },
    });
    return { dump, copy };
  }

  const remoteFolder = () => path.join(remoteRoot, 'bun-blog', 'postgres');
  const listing = (folder: string) => fs.readdirSync(folder).sort();

  it('copies the new dump and the kept ones, deletes only remote dumps older than 90 days, and keeps 30 days locally', () => {
    const backupDir = fs.mkdtempSync(path.join(sftpDir, 'backups-'));
    aged(backupDir, 'blog-20200101T030000Z.dump', 31);
    aged(backupDir, 'blog-20200102T030000Z.dump', 29);
    aged(remoteFolder(), 'blog-20190101T030000Z.dump', 91);
    aged(remoteFolder(), 'blog-20190301T030000Z.dump', 60);
    aged(remoteFolder(), 'other-20190101T030000Z.dump', 120);

    const { dump, copy } = runJob(backupDir);
    expect(dump.status, dump.stderr).toBe(0);
    expect(copy!.status, copy!.stderr).toBe(0);

    const fresh = listing(backupDir).filter(f => !f.startsWith('blog-2020'));
    expect(fresh).toEqual([expect.stringMatching(/^blog-\d{8}T\d{6}Z\.dump$/)]);
    // Local: the 31-day dump is gone (the dump step's retention), so it never travels.
    expect(listing(backupDir)).toEqual(['blog-20200102T030000Z.dump', fresh[0]]);
    // Remote: the new dump and the one kept locally arrived; the 91-day one went; the 60-day one
    // (older than the local retention) and another database's dump stay.
    expect(listing(remoteFolder())).toEqual(['blog-20190301T030000Z.dump', 'blog-20200102T030000Z.dump', fresh[0], 'other-20190101T030000Z.dump'].sort());
    const arrived = path.join(remoteFolder(), fresh[0]);
    expect(fs.readFileSync(arrived).equals(fs.readFileSync(path.join(backupDir, fresh[0])))).toBe(true);
    expect(execFileSync(requireProgram('pg_restore'), ['--list', arrived], { encoding: 'utf8' })).toContain('TABLE public posts');
    expect(copy!.stdout).toContain('offsite: 3 dump(s) kept on offsite:bun-blog/postgres');
  }, 90_000);

  /** rclone retries a failed transfer 3 times by default; the tests shorten that, nothing else. */
  const FAST_FAIL = { RCLONE_RETRIES: '1', RCLONE_LOW_LEVEL_RETRIES: '1' };

  it.each([
    ['a key the server does not accept', () => ({ RCLONE_CONFIG_OFFSITE_KEY_FILE: writeKey(sshKeyPair().privatePem) }), /unable to authenticate|handshake failed/],
    ['a server presenting another host key', () => ({ RCLONE_CONFIG_OFFSITE_KNOWN_HOSTS_FILE: writeKey(`[127.0.0.1]:${sftpPort} ${sshKeyPair().publicLine}\n`) }), /knownhosts: key mismatch|key mismatch/],
    ['a closed port', () => ({ RCLONE_CONFIG_OFFSITE_PORT: String(closedPort) }), /connection refused/],
  ])('fails the Job with %s, deleting nothing on the remote', async (_, overrides, message) => {
    closedPort = await freePort();
    const backupDir = fs.mkdtempSync(path.join(sftpDir, 'backups-'));
    const expired = aged(remoteFolder(), 'blog-20180101T030000Z.dump', 100);
    const { dump, copy } = runJob(backupDir, { ...FAST_FAIL, ...overrides() });
    expect(dump.status).toBe(0);
    expect(copy!.status).not.toBe(0);
    expect(copy!.stderr).toMatch(message);
    expect(fs.existsSync(expired)).toBe(true);
    fs.rmSync(expired);
  }, 90_000);

  let closedPort = 0;
  function writeKey(content: string): string {
    const file = path.join(fs.mkdtempSync(path.join(sftpDir, 'wrong-')), 'file');
    fs.writeFileSync(file, content, { mode: 0o600 });
    return file;
  }

  it("configures bun-blog's default S3 remote so that rclone uses the endpoint, and fails when it cannot reach it", async () => {
    const platform = emptyPlatform();
    new BunBlogChart(platform);
    const s3 = manifestsOf(render(platform), 'bun-blog') as Map<string, any>;
    const env = plainEnv(s3.get('CronJob/postgres-backup').spec.jobTemplate.spec.template.spec.containers[0]);
    expect(env).toMatchObject({ RCLONE_CONFIG_OFFSITE_TYPE: 's3', RCLONE_CONFIG_OFFSITE_ENDPOINT: 'https://s3.example.com' });
    const closed = await freePort();
    const backupDir = fs.mkdtempSync(path.join(sftpDir, 'backups-'));
    aged(backupDir, 'blog-20200102T030000Z.dump', 1);
    const scripts = fs.mkdtempSync(path.join(sftpDir, 'scripts-'));
    fs.writeFileSync(path.join(scripts, 'offsite.sh'), s3.get('ConfigMap/postgres-backup').data['offsite.sh']);
    // The keys come from the Secret in the pod; the endpoint is swapped for a closed loopback port, so nothing leaves the machine.
    const copy = spawnSync('sh', [path.join(scripts, 'offsite.sh')], {
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        PATH: `${busyboxPath(dir)}:${path.dirname(pinnedRclone())}:/usr/bin:/bin`, HOME: scripts, ...env, ...FAST_FAIL, BACKUP_DIR: backupDir,
        RCLONE_CONFIG_OFFSITE_ENDPOINT: `https://127.0.0.1:${closed}`,
        RCLONE_CONFIG_OFFSITE_ACCESS_KEY_ID: 'test-key-id', RCLONE_CONFIG_OFFSITE_SECRET_ACCESS_KEY: 'test-secret',
      },
    });
    expect(copy.status).not.toBe(0);
    // Path-style addressing of the bucket at the endpoint: what S3-compatible services expect.
    expect(copy.stderr).toContain(`https://127.0.0.1:${closed}/homelab-backups`);
    expect(copy.stderr).toContain('connection refused');
  }, 90_000);
});
