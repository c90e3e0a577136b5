import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BunBlogChart } from '../charts/bun-blog';
import { UrlShortenerChart } from '../charts/url-shortener';
import { postgresArgs } from '../lib/data/postgres-instance';
import { POSTGRES_16_CHANGES, POSTGRES_16_PARAMETERS, POSTGRES_16_READ_ONLY } from '../lib/data/postgres-parameters';
import { render } from '../lib/synth/render';
import { emptyPlatform, manifestsOf, tempDir } from './support/platform';
import { Processes, busyboxPath, freePort, postgresBin, requireProgram, waitFor } from './support/servers';

/*
 * A real PostgreSQL server started with the generated parameters. The images run PostgreSQL 16;
 * Debian here has 15. None of the parameters the charts set (shared_buffers, max_connections)
 * differs between 15 and 16. The names that do differ are POSTGRES_16_CHANGES: added in 16
 * (e.g. reserved_connections, scram_iterations, vacuum_buffer_usage_limit), removed in 16
 * (force_parallel_mode, promote_trigger_file, vacuum_defer_cleanup_age), and the read-only
 * lc_collate and lc_ctype, gone in 16. The backup script runs with busybox's sh, find and date,
 * as in the Alpine image, and Debian's pg_dump.
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
  const container = (objects.get('CronJob/postgres-backup') as any).spec.jobTemplate.spec.template.spec.containers[0];
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
