import { ChildProcess, execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Processes, freePort, postgresBin, requireProgram, waitFor } from './servers';

/** The superuser of every throwaway server, and its password. */
export const SUPERUSER = { user: 'postgres', password: 'throwaway-superuser' };

/** Who the server runs as: initdb and postgres refuse root, so as root the Debian package's postgres user. */
export function serverUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Gives a file or folder to the server's user (as root), so it can read or own it. */
export function giveToServer(file: string): void {
  const { uid, gid } = serverUser();
  if (uid !== undefined) execFileSync('chown', ['-R', `${uid}:${gid}`, file]);
}

/** Talks to a PostgreSQL server on a loopback port as the superuser, over TCP with a password. */
export class PostgresClient {
  public constructor(public readonly port: number) {}

  /** libpq's variables for the superuser on this server. */
  public libpqEnv(database = 'postgres'): Record<string, string> {
    return { PGHOST: '127.0.0.1', PGPORT: String(this.port), PGUSER: SUPERUSER.user, PGPASSWORD: SUPERUSER.password, PGDATABASE: database };
  }

  /** Runs SQL as the superuser and returns the output (unaligned, tuples only); throws with psql's error. */
  public psql(sql: string, database = 'postgres'): string {
    const result = spawnSync(requireProgram('psql'), ['-X', '-v', 'ON_ERROR_STOP=1', '-Atc', sql], { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, ...this.libpqEnv(database) } });
    if (result.status !== 0) throw new Error(`psql on ${this.port}/${database}: ${result.error?.message ?? result.stderr.trim()}`);
    return result.stdout.trim();
  }

  protected tryPsql(sql: string): string | undefined {
    try {
      return this.psql(sql);
    } catch {
      return undefined;
    }
  }
}

/**
 * A PostgreSQL server of the machine's newest major version on a loopback port, in a folder of its
 * own: `initdb` (or a data folder given, e.g. one a restore wrote), then `postgres` with `settings`.
 * Clients log in over TCP with a password, as they do in the cluster.
 */
export class ThrowawayPostgres extends PostgresClient {
  public readonly dataDir: string;
  private readonly child: ChildProcess;
  private readonly processes: Processes;

  private constructor(processes: Processes, child: ChildProcess, port: number, dataDir: string) {
    super(port);
    this.processes = processes;
    this.child = child;
    this.dataDir = dataDir;
  }

  /** Creates a new cluster in `dir/data` and starts it; `dir`'s parents must be open to the server's user. */
  public static async create(processes: Processes, dir: string, settings: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}): Promise<ThrowawayPostgres> {
    fs.mkdirSync(dir, { recursive: true });
    fs.chmodSync(dir, 0o755);
    const data = path.join(dir, 'data');
    const pwfile = path.join(dir, 'pwfile');
    fs.writeFileSync(pwfile, SUPERUSER.password);
    giveToServer(dir);
    execFileSync(postgresBin('initdb'), ['-D', data, '-U', SUPERUSER.user, '--pwfile', pwfile, '-A', 'scram-sha-256'], { stdio: ['ignore', 'ignore', 'pipe'], ...serverUser() });
    return ThrowawayPostgres.start(processes, data, settings, env);
  }

  /** Starts a server on an existing data folder (which it then owns) and waits until it accepts connections. */
  public static async start(processes: Processes, dataDir: string, settings: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}): Promise<ThrowawayPostgres> {
    giveToServer(dataDir);
    fs.chmodSync(dataDir, 0o700);
    const port = await freePort();
    const socketDir = path.dirname(dataDir);
    const args = ['-D', dataDir, '-p', String(port), '-k', socketDir, '-c', 'listen_addresses=127.0.0.1',
      ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
    const child = processes.start(postgresBin('postgres'), args, { logFile: path.join(socketDir, `server-${port}.log`), env: { PATH: process.env.PATH, ...env }, ...serverUser() });
    const server = new ThrowawayPostgres(processes, child, port, dataDir);
    await waitFor(`PostgreSQL on ${port} to accept connections (log: ${server.logFile})`, () => {
      if (child.exitCode !== null) throw new Error(`PostgreSQL exited (${child.exitCode}): ${server.log().slice(-2000)}`);
      return server.tryPsql('select 1') === '1' ? true : undefined;
    }, 120_000);
    return server;
  }

  public get logFile(): string {
    return path.join(path.dirname(this.dataDir), `server-${this.port}.log`);
  }

  public log(): string {
    return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, 'utf8') : '';
  }

  /** A fast shutdown, so no backend outlives the test; the data folder stays. */
  public async stop(): Promise<void> {
    await this.processes.stop(this.child, 'SIGINT');
  }
}
