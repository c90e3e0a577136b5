import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './process.js';

// Private PostgreSQL and Redis servers on free loopback ports, for tests that stop,
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
