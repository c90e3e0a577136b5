import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPaired, pairedRounds, type DatabaseCpu } from '../bench/paired.js';

// The paired rounds of the redirect benchmark (app/bench/paired.ts), run with wrk against two
// plain Node servers in this process: what they count beside the servers' own CPU.

let servers: Server[] = [];
const peer = () => {
  const server = createServer((_request, response) => {
    response.writeHead(302, { location: 'https://example.com/' });
    response.end();
  });
  servers.push(server);
  return new Promise<{ baseUrl: string; pid: number }>((ready) =>
    server.listen(0, '127.0.0.1', () => ready({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, pid: process.pid })),
  );
};

let bare: { baseUrl: string; pid: number };
let service: { baseUrl: string; pid: number };
beforeAll(async () => {
  [bare, service] = [await peer(), await peer()];
});
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((closed) => server.close(closed))));
  servers = [];
});

describe('paired rounds', () => {
  it('warm both sides up uncounted, and count the database backends of each round less those that closed', async () => {
    // a backend that closes during every round and one that stays and spends 0.5 s per reading
    let readings = 0;
    const databaseCpu: DatabaseCpu = async () => {
      readings++;
      return new Map([
        [1, readings * 0.5],
        [100 + readings, 7],
      ]);
    };
    const lines: string[] = [];
    const summary = await pairedRounds(bare, service, ['/a', '/b'], { rounds: 1, roundSeconds: 1, connections: 4, warmSeconds: 1, databaseCpu, log: (line) => lines.push(line) });

    expect(lines[0]).toMatch(/^warming both sides up: wrk, 4 connections, 1 s each, not counted$/);
    expect(summary.warmAnswered).toBeGreaterThan(0);
    const [round] = summary.rounds;
    for (const side of [round!.bare, round!.service]) {
      // 0.5 s from the backend that stayed, 7 s from the one that opened; the one that closed is left out
      expect(side.databaseCpuUsPerRequest).toBeCloseTo((7.5e6 / side.answered), 0);
      expect(side.loadGeneratorCpuUsPerRequest).toBeGreaterThan(0);
    }
    expect(summary.medianMachineCpuRatio).toBeGreaterThan(0);
    expect(formatPaired(summary)).toMatch(/^CPU per request on the whole machine \(server \+ PostgreSQL \+ wrk\), bare's over the service's: median \d+\.\d\dx/m);
  });

  it('leave the database column out when the backends cannot be read', async () => {
    const summary = await pairedRounds(bare, service, ['/a'], { rounds: 1, roundSeconds: 1, connections: 2, databaseCpu: async () => undefined, log: () => undefined });
    expect(summary.rounds[0]!.service.databaseCpuUsPerRequest).toBeUndefined();
    expect(summary.medianMachineCpuRatio).toBeUndefined();
    expect(summary.warmAnswered).toBe(0);
    expect(formatPaired(summary)).not.toMatch(/whole machine/);
    expect(formatPaired(summary).split('\n')[2]).toMatch(/ n\/a /);
  });
});
