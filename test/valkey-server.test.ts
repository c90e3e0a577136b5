import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { UrlShortenerChart } from '../charts/url-shortener';
import { BlogChart } from '../charts/blog';
import type { Manifest } from '../lib/model/manifest';
import { render } from '../lib/synth/render';
import { Processes, busyboxPath, freePorts, requireProgram, waitFor } from './support/servers';
import { emptyPlatform, manifestsOf, tempDir } from './support/platform';

/*
 * The generated Valkey configuration and start scripts, run by real servers. There is no
 * valkey-server package here: redis-server 7 loads the same files (Valkey 8 is a fork of Redis
 * 7.2 and the configuration uses no Valkey-only directive), and `valkey-server`/`valkey-cli` in
 * the scripts are wrappers around redis-server/redis-cli. Each pod's hostname is mapped to
 * 127.0.0.1 and a port of its own: in the environment the StatefulSets give the scripts, and in
 * the one line of sentinel.conf that names pod 0. The start scripts run with busybox's sh, awk and
 * timeout, as in the Alpine image.
 */

const PASSWORD = 'test-password-1';
const env = (m: Manifest): { name: string; value?: string }[] => (m.spec as any).template.spec.containers[0].env;

describe('Valkey standalone cache (seed 000), loaded by a real server', () => {
  const processes = new Processes();
  afterAll(() => processes.stopAll());

  it('loads the generated valkey.conf and evicts with allkeys-lru below the limit', async () => {
    const platform = emptyPlatform();
    new BlogChart(platform);
    const conf = (manifestsOf(render(platform), 'blog').get('ConfigMap/valkey') as any).data['valkey.conf'] as string;
    const dir = tempDir('valkey-standalone-');
    const [port] = await freePorts(1);
    // The pod listens on 6379 on all interfaces; the test on a free loopback port.
    fs.writeFileSync(path.join(dir, 'valkey.conf'), conf.replace('port 6379', `port ${port}`).replace('bind * -::*', 'bind 127.0.0.1'));
    processes.start(requireProgram('redis-server'), [path.join(dir, 'valkey.conf')], { cwd: dir, logFile: path.join(dir, 'log') });
    onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
    const cli = (...args: string[]) => execFileSync(requireProgram('redis-cli'), ['-p', String(port), '--raw', ...args], { encoding: 'utf8' }).trim();
    await waitFor('the server', () => (cli('ping') === 'PONG' ? true : undefined));
    expect(cli('config', 'get', 'maxmemory-policy')).toBe('maxmemory-policy\nallkeys-lru');
    expect(cli('config', 'get', 'maxmemory')).toBe('maxmemory\n201326592');
    expect(cli('config', 'get', 'save')).toBe('save');
    expect(cli('config', 'get', 'appendonly')).toBe('appendonly\nno');
  });
});

describe('Valkey primary + 3 replicas + 3 Sentinels (seed 002), run by real servers', () => {
  const processes = new Processes();
  const dir = tempDir('valkey-sentinel-');
  const platform = emptyPlatform();
  const chart = new UrlShortenerChart(platform, 'url-shortener', { cache: { passwordSecret: { name: 'valkey', key: 'password' } } });
  const objects = manifestsOf(render(platform), 'url-shortener');
  const files = (objects.get('ConfigMap/valkey') as any).data as Record<string, string>;
  const serverSet = objects.get('StatefulSet/valkey')!;
  const sentinelSet = objects.get('StatefulSet/valkey-sentinel')!;
  const pods = (serverSet.spec as any).replicas as number;
  const replicas = pods - 1;
  const sentinelCount = (sentinelSet.spec as any).replicas as number;
  let serverPorts: number[] = [];
  let sentinelPorts: number[] = [];
  const servers: ReturnType<Processes['start']>[] = [];

  const cli = (port: number, ...args: string[]) => {
    try {
      return execFileSync(requireProgram('redis-cli'), ['-p', String(port), '--raw', ...args], { encoding: 'utf8', env: { ...process.env, REDISCLI_AUTH: PASSWORD }, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  const info = (port: number) => Object.fromEntries(cli(port, 'info', 'replication').split(/\r?\n/).filter(l => l.includes(':')).map(l => l.split(':') as [string, string]));
  const masterOf = (sentinelPort: number) => cli(sentinelPort, 'sentinel', 'get-master-addr-by-name', chart.sentinelMasterName).split('\n').join(':');

  /** The pod's environment with hostnames and ports mapped to the test's loopback ports. */
  function podEnv(set: Manifest, overrides: Record<string, string>): NodeJS.ProcessEnv {
    const bin = path.join(dir, 'bin');
    const fromManifest = Object.fromEntries(env(set).filter(e => e.value !== undefined && !e.value.includes('$(')).map(e => [e.name, e.value!]));
    const mapped = {
      ...fromManifest,
      // The names the StatefulSets set; hostnames become 127.0.0.1, ports become the test's.
      ANNOUNCE_HOST: '127.0.0.1',
      PRIMARY_HOST: '127.0.0.1',
      PRIMARY_PORT: String(serverPorts[0]),
      SENTINEL_HOST: '127.0.0.1',
      SENTINEL_PORT: String(sentinelPorts[0]),
      CONFIG_DIR: path.join(dir, 'config'),
      VALKEY_PASSWORD: PASSWORD,
      REDISCLI_AUTH: PASSWORD,
      ...overrides,
    };
    for (const name of Object.keys(mapped)) {
      if (!['VALKEY_PASSWORD', 'REDISCLI_AUTH', 'SENTINEL_OWN_PORT'].includes(name) && !env(set).some(e => e.name === name)) {
        throw new Error(`the StatefulSet does not set ${name}`);
      }
    }
    return { PATH: `${bin}:${busyboxPath(dir)}:${process.env.PATH}`, ...mapped };
  }

  function startServer(index: number) {
    const data = fs.mkdtempSync(path.join(dir, `valkey-${index}-`));
    return processes.start(requireProgram('busybox'), ['sh', path.join(dir, 'config', 'start-valkey.sh')], {
      env: podEnv(serverSet, { VALKEY_PORT: String(serverPorts[index]), DATA_DIR: data }),
      cwd: data,
      logFile: path.join(dir, `valkey-${index}.log`),
    });
  }

  beforeAll(async () => {
    const redisServer = requireProgram('redis-server');
    const redisCli = requireProgram('redis-cli');
    serverPorts = await freePorts(1 + replicas + sentinelCount);
    sentinelPorts = serverPorts.splice(1 + replicas);
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.writeFileSync(path.join(dir, 'bin', 'valkey-server'), `#!/bin/sh\nexec ${redisServer} "$@"\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'bin', 'valkey-cli'), `#!/bin/sh\nexec ${redisCli} "$@"\n`, { mode: 0o755 });
    fs.mkdirSync(path.join(dir, 'config'));
    const pod0 = 'valkey-0.valkey.url-shortener.svc.cluster.local 6379';
    expect(files['sentinel.conf']).toContain(pod0);
    for (const [name, text] of Object.entries(files)) {
      fs.writeFileSync(path.join(dir, 'config', name), name === 'sentinel.conf' ? text.replace(pod0, `127.0.0.1 ${serverPorts[0]}`) : text);
    }
    for (let i = 0; i <= replicas; i++) servers.push(startServer(i));
    for (let i = 0; i < sentinelCount; i++) {
      const data = fs.mkdtempSync(path.join(dir, `sentinel-${i}-`));
      processes.start(requireProgram('busybox'), ['sh', path.join(dir, 'config', 'start-sentinel.sh')], {
        env: podEnv(sentinelSet, { SENTINEL_OWN_PORT: String(sentinelPorts[i]), DATA_DIR: data }),
        cwd: data,
        logFile: path.join(dir, `sentinel-${i}.log`),
      });
      // Later Sentinels find the primary through the first one, as pods do through the Service.
      await waitFor(`sentinel ${i}`, () => (cli(sentinelPorts[i], 'ping') === 'PONG' ? true : undefined));
    }
  }, 60_000);

  afterAll(async () => {
    await processes.stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('configures 1 primary, 3 replicas and 3 Sentinels with quorum 2', () => {
    expect(pods).toBe(4);
    expect(sentinelCount).toBe(3);
    expect(files['sentinel.conf']).toContain(`sentinel monitor mymaster valkey-0.valkey.url-shortener.svc.cluster.local 6379 2\n`);
  });

  it('loads every generated config: each server and Sentinel answers', async () => {
    for (const port of [...serverPorts, ...sentinelPorts]) {
      await waitFor(`port ${port}`, () => (cli(port, 'ping') === 'PONG' ? true : undefined));
    }
    expect(cli(serverPorts[0], 'config', 'get', 'maxmemory-policy')).toBe('maxmemory-policy\nallkeys-lru');
    expect(cli(serverPorts[0], 'config', 'get', 'maxmemory')).toBe(`maxmemory\n${Math.floor(512 * 2 ** 20 * 0.75)}`);
    // The password is required.
    expect(execFileSync(requireProgram('redis-cli'), ['-p', String(serverPorts[0]), 'ping'], { encoding: 'utf8' })).toContain('NOAUTH');
  });

  it('passes the generated readiness probes only with the password', () => {
    const probe = (set: Manifest, port: number, auth: string) => {
      const [cmd, ...args] = (set.spec as any).template.spec.containers[0].readinessProbe.exec.command as string[];
      return spawnSync(cmd, args.map(a => a.replace(/-p \d+/, `-p ${port}`)), { env: { PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`, REDISCLI_AUTH: auth } }).status;
    };
    expect(probe(serverSet, serverPorts[1], PASSWORD)).toBe(0);
    expect(probe(serverSet, serverPorts[1], 'wrong-password')).not.toBe(0);
    expect(probe(sentinelSet, sentinelPorts[1], PASSWORD)).toBe(0);
    expect(probe(sentinelSet, sentinelPorts[1], 'wrong-password')).not.toBe(0);
  });

  it('syncs every replica from the primary, each announcing its own hostname', async () => {
    await waitFor('3 replicas in sync', () => (info(serverPorts[0]).connected_slaves === '3' ? true : undefined));
    for (const port of serverPorts.slice(1)) {
      await waitFor(`replica ${port}`, () => (info(port).master_link_status === 'up' ? true : undefined));
      expect(info(port).master_port).toBe(String(serverPorts[0]));
    }
    const announced = cli(serverPorts[0], 'info', 'replication');
    for (const port of serverPorts.slice(1)) expect(announced).toContain(`ip=127.0.0.1,port=${port},`);
    cli(serverPorts[0], 'set', 'greeting', 'hello');
    await waitFor('the key on a replica', () => (cli(serverPorts[3], 'get', 'greeting') === 'hello' ? true : undefined));
  });

  it('has the Sentinels agree on the primary and on a reachable quorum', async () => {
    for (const port of sentinelPorts) {
      await waitFor(`sentinel ${port} sees the others`, () => (cli(port, 'sentinel', 'ckquorum', 'mymaster').startsWith('OK 3 usable Sentinels') ? true : undefined));
      expect(masterOf(port)).toBe(`127.0.0.1:${serverPorts[0]}`);
    }
    for (const port of sentinelPorts) {
      await waitFor(`sentinel ${port} to know the 3 replicas and 2 other Sentinels`, () => {
        const lines = cli(port, 'sentinel', 'master', 'mymaster').split('\n');
        const fields = Object.fromEntries(lines.flatMap((l, i) => (i % 2 === 0 ? [[l, lines[i + 1]]] : [])));
        return fields['num-slaves'] === '3' && fields['num-other-sentinels'] === '2' && fields.quorum === '2' ? true : undefined;
      });
    }
  });

  it('promotes a replica when the primary stops, and the old primary rejoins as a replica', async () => {
    await processes.stop(servers[0]);
    const promoted = await waitFor('a new primary', () => {
      const masters = new Set(sentinelPorts.map(masterOf));
      const [only] = [...masters];
      return masters.size === 1 && only !== `127.0.0.1:${serverPorts[0]}` && only !== '' ? only : undefined;
    }, 60_000);
    const newPort = Number(promoted.split(':')[1]);
    expect(serverPorts.slice(1)).toContain(newPort);
    await waitFor('the new primary to take writes', () => (info(newPort).role === 'master' ? true : undefined));
    // Pod 0 restarts: its start script asks the Sentinels and joins the new primary.
    servers[0] = startServer(0);
    await waitFor('the old primary to follow the new one', () => {
      const i = info(serverPorts[0]);
      return i.role === 'slave' && i.master_port === String(newPort) && i.master_link_status === 'up' ? true : undefined;
    }, 30_000);
  }, 90_000);
});
