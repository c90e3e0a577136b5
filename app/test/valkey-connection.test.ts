import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectValkey } from '../src/cache/connection.js';
import { startThrowawayRedis, type ThrowawayRedis } from './helpers/throwaway.js';

// The command timeout is what declares Valkey slow (and the cache degraded). It must measure
// Valkey, not the event loop: under load the process reads its sockets tens of ms late.

let redis: ThrowawayRedis;
beforeAll(async () => {
  redis = await startThrowawayRedis();
});
afterAll(async () => {
  redis?.resume();
  await redis?.destroy();
});

const TIMEOUT_MS = 25;
const options = { commandTimeout: TIMEOUT_MS, maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true };

/** Holds the event loop like a burst of requests would, long past the timeout. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('a Valkey connection with a command timeout', () => {
  it('answers a command whose reply arrived in time but was read late (event loop busy for 4 timeouts)', async () => {
    const client = connectValkey({ url: redis.url }, options);
    await client.connect();
    try {
      await client.set('lag', 'answered');
      for (let round = 0; round < 20; round++) {
        const reply = client.get('lag');
        busy(TIMEOUT_MS * 4);
        await expect(reply).resolves.toBe('answered');
      }
    } finally {
      client.disconnect();
    }
  });

  it('where ioredis alone times the same commands out: the test above is not vacuous', async () => {
    const client = new Redis(redis.url, options);
    await client.connect();
    try {
      const reply = client.get('lag');
      busy(TIMEOUT_MS * 4);
      await expect(reply).rejects.toThrow('Command timed out');
    } finally {
      client.disconnect();
    }
  });

  it('still times out a frozen Valkey (SIGSTOP) within the timeout and one turn of the loop', async () => {
    const client = connectValkey({ url: redis.url }, options);
    await client.connect();
    redis.pause();
    try {
      const start = performance.now();
      await expect(client.get('lag')).rejects.toThrow('Command timed out');
      const waited = performance.now() - start;
      expect(waited).toBeGreaterThanOrEqual(TIMEOUT_MS - 1);
      expect(waited).toBeLessThan(TIMEOUT_MS + 200);
      // a pipeline's commands (the autopipelined reads and the invalidations) too
      const results = (await client.pipeline().get('lag').set('other', '1').exec()) ?? [];
      expect(results.map(([error]) => error?.message)).toEqual(['Command timed out', 'Command timed out']);
    } finally {
      redis.resume();
      client.disconnect();
    }
  });
});
