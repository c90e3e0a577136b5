import { describe, expect, it } from 'vitest';
import { freePort, runNode, startServer } from './helpers/process.js';
import { eventually } from './helpers/app.js';
import { createDatabase } from './helpers/services.js';

describe('starting the server', () => {
  it('exits 2 listing every configuration problem, without echoing secrets', async () => {
    const run = runNode('build/server.js', [], { DATABASE_URL: 'mysql://user:hunter2@db/app', PORT: '99999' });
    const { code } = await run.exited;
    expect(code).toBe(2);
    expect(run.output()).toContain('PORT must be between 0 and 65535, got 99999');
    expect(run.output()).toContain('DATABASE_URL must use postgres: or postgresql:, got mysql:');
    expect(run.output()).not.toContain('hunter2');
  });

  it('retries while PostgreSQL is unreachable and exits 1 after STARTUP_DB_WAIT_MS, without the password', async () => {
    const port = await freePort();
    const started = Date.now();
    const run = runNode('build/server.js', [], {
      DATABASE_URL: `postgres://postgres:hunter2@127.0.0.1:${port}/nowhere`,
      STARTUP_DB_WAIT_MS: '1500',
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
    });
    const { code } = await run.exited;
    expect(code).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(run.output()).toContain('PostgreSQL unreachable at start; retrying migrations');
    expect(run.output()).toContain('failed to start');
    expect(run.output()).not.toContain('hunter2');
  });

  it('starts without Valkey when REDIS_URL points nowhere, serving from PostgreSQL', async () => {
    const database = await createDatabase();
    const server = await startServer({ DATABASE_URL: database.url, REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    try {
      const response = await fetch(`${server.baseUrl}/users`);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-cache')).toBe('MISS');
      // log lines reach stdout in batches (every 250 ms at the latest)
      await eventually(async () => server.output().includes('cache unreachable at start'), 3000);
    } finally {
      await server.stop();
      await database.drop();
    }
  });
});
