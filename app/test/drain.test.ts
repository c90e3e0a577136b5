import http from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './helpers/app.js';
import { startServer, type RunningServer } from './helpers/process.js';
import { createDatabase, deleteKeys, TEST_REDIS_URL, uniqueName, type TestDatabase } from './helpers/services.js';

// SIGTERM under keep-alive load at 100 connections: no request that reached the server is
// reset. The clients behave as a load balancer in front of the pod does: keep-alive
// connections stay in use until the server closes them, and new connections stop a little
// after readiness fails (the endpoint is removed), well within SHUTDOWN_DELAY_MS.

const CONNECTIONS = 100;
let database: TestDatabase;
let server: RunningServer;
const prefix = `${uniqueName('urlshort_test')}:`;

beforeAll(async () => {
  database = await createDatabase();
  server = await startServer({ DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, CACHE_PREFIX: prefix, SHUTDOWN_DELAY_MS: '1000' });
}, 30_000);
afterAll(async () => {
  await server?.stop();
  await database?.drop();
  await deleteKeys(TEST_REDIS_URL, prefix);
});

interface Outcome {
  status: number;
  connection: string | undefined;
}

function get(agent: http.Agent, port: number, path: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, agent }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode!, connection: response.headers.connection }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

describe('SIGTERM under keep-alive load', () => {
  it(`resets none of ${CONNECTIONS} connections: in-flight requests finish with Connection: close, idle ones are closed cleanly`, async () => {
    const port = Number(new URL(server.baseUrl).port);
    const post = (path: string, body: unknown) =>
      fetch(`${server.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const owner = (await (await post('/users', { username: 'o', email: 'o@example.com' })).json()) as { id: number };
    const link = (await (await post('/urls', { user_id: owner.id, original_url: 'https://example.com/drain' })).json()) as { short_code: string };

    let routing = true;
    let sigtermAt = Infinity;
    const errors: string[] = [];
    let answered = 0;
    let answeredAfterSigterm = 0;
    let closedByServer = 0;
    const client = async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (;;) {
          const hasConnection = Object.values(agent.freeSockets).some((sockets) => (sockets?.length ?? 0) > 0);
          if (!routing && !hasConnection) return;
          try {
            const outcome = await get(agent, port, `/${link.short_code}`);
            expect(outcome.status).toBe(302);
            answered++;
            if (Date.now() > sigtermAt) answeredAfterSigterm++;
            if (outcome.connection === 'close') closedByServer++;
          } catch (error) {
            errors.push((error as NodeJS.ErrnoException).code ?? String(error));
            return;
          }
        }
      } finally {
        agent.destroy();
      }
    };
    // a few keep-alive connections that go idle after one request
    const idleAgent = new http.Agent({ keepAlive: true, maxSockets: 5 });
    await Promise.all(Array.from({ length: 5 }, () => get(idleAgent, port, '/health')));

    const load = Array.from({ length: CONNECTIONS }, client);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    sigtermAt = Date.now();
    server.child.kill('SIGTERM');
    await eventually(async () => (await fetch(`${server.baseUrl}/ready`, { headers: { connection: 'close' } })).status === 503, 2000, 20);
    // the load balancer takes the endpoint out a moment later
    await new Promise((resolve) => setTimeout(resolve, 300));
    routing = false;
    await Promise.all(load);
    idleAgent.destroy();

    const { code } = await server.exited;
    expect(errors).toEqual([]);
    expect(code).toBe(0);
    expect(answeredAfterSigterm).toBeGreaterThan(CONNECTIONS);
    expect(closedByServer).toBeGreaterThanOrEqual(CONNECTIONS);
    expect(answered).toBeGreaterThan(answeredAfterSigterm);
    const lines = server.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    expect(lines.map((line) => line.msg)).toEqual(expect.arrayContaining(['connections drained', 'shutdown complete']));

    // every redirect answered was recorded before exit
    const db = new pg.Pool({ connectionString: database.url, max: 1 });
    try {
      const { rows } = await db.query("SELECT count(*)::int AS n FROM events WHERE event_type = 'redirect'");
      expect(rows[0].n).toBe(answered);
    } finally {
      await db.end();
    }
  }, 60_000);
});
