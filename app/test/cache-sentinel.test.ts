import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { buildTestApp, eventually, type TestApp } from './helpers/app.js';
import { createUser } from './helpers/fixtures.js';
import { freePort } from './helpers/process.js';

// Seed 002 runs Valkey behind Sentinel, with a password on both (the url-shortener chart's
// setting). A real primary and a real Sentinel on loopback ports; redis-server reads the same
// protocol and configuration as Valkey.
const PASSWORD = 's3cret-for-tests';
const children: ChildProcess[] = [];
let dir: string;
let t: TestApp;

async function ping(port: number): Promise<void> {
  const client = new Redis({ port, host: '127.0.0.1', password: PASSWORD, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } finally {
    client.disconnect();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'urlshort-sentinel-'));
  const primary = await freePort();
  const sentinel = await freePort();
  children.push(spawn('redis-server', ['--port', String(primary), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--requirepass', PASSWORD, '--masterauth', PASSWORD], { stdio: 'ignore' }));
  const config = join(dir, 'sentinel.conf');
  writeFileSync(config, [
    `port ${sentinel}`, 'bind 127.0.0.1', `dir ${dir}`,
    `sentinel monitor mymaster 127.0.0.1 ${primary} 1`, `sentinel auth-pass mymaster ${PASSWORD}`, `requirepass ${PASSWORD}`, '',
  ].join('\n'));
  children.push(spawn('redis-server', [config, '--sentinel'], { stdio: 'ignore' }));
  await eventually(() => ping(primary).then(() => ping(sentinel)).then(() => true, () => false), 10_000);
  t = await buildTestApp({ redisUrl: null, env: { REDIS_SENTINELS: `127.0.0.1:${sentinel}`, REDIS_SENTINEL_MASTER: 'mymaster', REDIS_PASSWORD: PASSWORD } });
});

afterAll(async () => {
  await t?.close();
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('Valkey behind Sentinel', () => {
  it('reads REDIS_SENTINELS, REDIS_SENTINEL_MASTER and REDIS_PASSWORD', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://db/app', REDIS_SENTINELS: 'valkey-sentinel:26379, other:26380', REDIS_PASSWORD: 'pw' }).redisSentinel).toEqual({
      sentinels: [{ host: 'valkey-sentinel', port: 26379 }, { host: 'other', port: 26380 }],
      masterName: 'mymaster',
      password: 'pw',
    });
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/app', REDIS_SENTINELS: 'nohost' })).toThrow('REDIS_SENTINELS entries must be host:port, got "nohost"');
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/app', REDIS_SENTINELS: 'a:1', REDIS_URL: 'redis://b' })).toThrow('set either REDIS_URL or REDIS_SENTINELS, not both');
  });

  it('finds the primary through the Sentinel and serves the second read from the cache', async () => {
    const user = await createUser(t);
    const get = () => t.app.inject({ method: 'GET', url: `/users/${user.id}` });
    await eventually(async () => (await get()).headers['x-cache'] === 'HIT', 10_000);
    const hit = await get();
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.json()).toEqual(user);
  });
});
