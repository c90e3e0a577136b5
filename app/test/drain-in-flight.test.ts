import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionDrainer } from '../src/drain.js';

// Requests that arrive while draining are marked when they arrive (the lifecycle plugin); one
// already past that point when draining starts is marked by the drainer, before its headers go.

const servers: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function get(agent: http.Agent, port: number, path: string): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, agent }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode!, connection: response.headers.connection }));
    });
    request.on('error', reject);
  });
}

describe('ConnectionDrainer.closeInFlight', () => {
  it('makes a response in flight when draining starts say Connection: close, and leaves sent ones alone', async () => {
    const app = Fastify();
    servers.push(app);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let arrived!: () => void;
    const inHandler = new Promise<void>((resolve) => (arrived = resolve));
    app.get('/slow', async (_request, reply) => {
      arrived();
      await released;
      return reply.code(200).send({ ok: true });
    });
    app.get('/fast', async () => ({ ok: true }));
    const drainer = new ConnectionDrainer(app.server);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    try {
      // before draining, a keep-alive answer
      expect((await get(agent, port, '/fast')).connection).toBe('keep-alive');
      const slow = get(agent, port, '/slow');
      await inHandler;
      drainer.closeInFlight();
      release();
      expect(await slow).toEqual({ status: 200, connection: 'close' });
    } finally {
      agent.destroy();
    }
  });
});
