import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freePort } from './process.js';

// Private PostgreSQL, Redis and PgBouncer servers on free loopback ports, for tests that stop,
// hang or restart them. The shared servers are never touched.

const run = promisify(execFile);
const PG_BIN = process.env.PG_BIN ?? newestPostgresBin();

/** Debian installs each PostgreSQL major under /usr/lib/postgresql/<major>/bin: take the newest. */
function newestPostgresBin(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  majors.sort((a, b) => Number(b) - Number(a));
  return join(root, majors[0] ?? '15', 'bin');
}

export interface ThrowawayPostgres {
  url: string;
  start(): Promise<void>;
  /** `immediate` is a crash as far as clients can tell; `fast` a clean shutdown. */
  stop(mode?: 'immediate' | 'fast'): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * initdb + pg_ctl into a temporary directory. PostgreSQL refuses to run as root, so as
 * root the commands run as the `postgres` system user through `runuser`.
 */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  if (!existsSync(join(PG_BIN, 'initdb'))) {
    throw new Error(`PostgreSQL server binaries not found in ${PG_BIN} (set PG_BIN): the outage tests need initdb and pg_ctl`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'urlshort-pg-'));
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const as = (command: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(PG_BIN, command), ...args]) : run(join(PG_BIN, command), args);
  const data = join(dir, 'data');
  await as('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '--no-instructions', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  const pg: ThrowawayPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      await as('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', '-t', '30', 'start']);
    },
    async stop(mode = 'immediate') {
      await as('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '30', 'stop']);
    },
    async destroy() {
      await pg.stop('immediate').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await pg.start();
  return pg;
}

export interface ThrowawayRedis {
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** SIGSTOP: the server keeps its connections but answers nothing, like a hung instance. */
  pause(): void;
  resume(): void;
  /** A client for changing the server behind the app's back (ACLs, inspection). */
  admin(): Redis;
  destroy(): Promise<void>;
}

export async function startThrowawayRedis(): Promise<ThrowawayRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'urlshort-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const admins: Redis[] = [];
  const url = `redis://127.0.0.1:${port}`;

  const redis: ThrowawayRedis = {
    url,
    async start() {
      if (child && child.exitCode === null && child.signalCode === null) return;
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
        stdio: 'ignore',
      });
      const failed = new Promise<never>((_, reject) => child!.once('error', reject));
      const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      probe.on('error', () => undefined);
      const deadline = Date.now() + 10_000;
      try {
        for (;;) {
          try {
            await Promise.race([probe.connect().then(() => probe.ping()), failed]);
            return;
          } catch (error) {
            if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}: ${String(error)}`);
            probe.disconnect();
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        }
      } finally {
        probe.disconnect();
      }
    },
    async stop() {
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exited;
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    admin() {
      const client = new Redis(url, { maxRetriesPerRequest: 1 });
      client.on('error', () => undefined);
      admins.push(client);
      return client;
    },
    async destroy() {
      for (const client of admins) client.disconnect();
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await redis.start();
  return redis;
}

export interface ThrowawayPgBouncer {
  /** The same database, user and password as the upstream URL, through PgBouncer. */
  url: string;
  destroy(): Promise<void>;
}

/**
 * PgBouncer (Debian package) in transaction mode in front of `upstreamUrl`, configured as
 * CloudNativePG's Pooler configures it where it matters to clients: the startup parameters it
 * ignores, and one server connection (so tests can tell what a connection keeps between clients).
 * Like PostgreSQL it refuses to run as root: as root it runs as the `postgres` system user.
 */
export async function startThrowawayPgBouncer(upstreamUrl: string): Promise<ThrowawayPgBouncer> {
  const upstream = new URL(upstreamUrl);
  const user = decodeURIComponent(upstream.username);
  const dir = mkdtempSync(join(tmpdir(), 'urlshort-pgbouncer-'));
  const port = await freePort();
  const database = upstream.pathname.slice(1);
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `${database} = host=${upstream.hostname} port=${upstream.port || 5432} dbname=${database} user=${user} password=${decodeURIComponent(upstream.password)}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      'default_pool_size = 1',
      // CloudNativePG's default (pkg/management/pgbouncer/config)
      'ignore_startup_parameters = extra_float_digits,options',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'users.txt'), `"${user}" ""\n`);
  const ids = userInfo().uid === 0 ? { uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()), gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()) } : {};
  if (ids.uid !== undefined) for (const file of ['', 'pgbouncer.ini', 'users.txt']) chownSync(join(dir, file), ids.uid, ids.gid!);
  const child = spawn('pgbouncer', [join(dir, 'pgbouncer.ini')], { stdio: 'ignore', ...ids });
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`pgbouncer could not run (${error.message}): install the Debian package pgbouncer (scripts/install-test-tools.sh does)`)));
    child.once('exit', (code) => reject(new Error(`pgbouncer exited with ${code}; see ${join(dir, 'pgbouncer.log')}`)));
  });
  failed.catch(() => undefined);
  const url = Object.assign(new URL(upstreamUrl), { port: String(port), password: '' }).toString();
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new pg.Client({ connectionString: url });
    try {
      await Promise.race([probe.connect().then(() => probe.query('SELECT 1')), failed]);
      break;
    } catch (error) {
      if (Date.now() > deadline || child.exitCode !== null) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await probe.end().catch(() => undefined);
    }
  }
  return {
    url,
    async destroy() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
