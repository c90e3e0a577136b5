import fp from 'fastify-plugin';
import { Counter, Gauge } from 'prom-client';
import type { Pool } from 'pg';
import type { Config } from '../config.js';
import { insertRedirectEvents, type RedirectEvents } from '../repositories/redirect-events.js';

declare module 'fastify' {
  interface FastifyInstance {
    redirectEvents: RedirectEventBuffer;
  }
}

interface Log {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Redirects are the hot path, so their events are buffered in memory and written in
 * batches: on a timer (at least once a second), as soon as a batch is full, and on close.
 * While PostgreSQL is unreachable they stay buffered (up to a bound) and are retried.
 */
const INITIAL_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 10_000;

const empty = (): RedirectEvents => ({ urlIds: [], originalUrls: [], ats: [] });
const slice = (events: RedirectEvents, start: number, end?: number): RedirectEvents => ({
  urlIds: events.urlIds.slice(start, end),
  originalUrls: events.originalUrls.slice(start, end),
  ats: events.ats.slice(start, end),
});
const concat = (first: RedirectEvents, then: RedirectEvents): RedirectEvents => ({
  urlIds: first.urlIds.concat(then.urlIds),
  originalUrls: first.originalUrls.concat(then.originalUrls),
  ats: first.ats.concat(then.ats),
});

export class RedirectEventBuffer {
  private buffer = empty();
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failing = false;
  /** While PostgreSQL is down: no attempt before this time; the wait doubles up to MAX_BACKOFF_MS. */
  private retryAt = 0;
  private backoffMs = INITIAL_BACKOFF_MS;
  readonly counters = { written: 0, dropped: 0, failures: 0 };

  constructor(
    private readonly pool: Pool,
    private readonly options: { intervalMs: number; batchMax: number; bufferMax: number },
    private readonly log: Log,
  ) {}

  get size(): number {
    return this.buffer.urlIds.length;
  }

  start(): void {
    this.timer = setInterval(() => {
      if (Date.now() >= this.retryAt) void this.flush();
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** One redirect to `urlId` (`originalUrl` as it was sent), at `at` (epoch ms). */
  record(urlId: number, originalUrl: string, at: number): void {
    const buffer = this.buffer;
    if (buffer.urlIds.length >= this.options.bufferMax) {
      this.counters.dropped++;
      return;
    }
    buffer.urlIds.push(urlId);
    buffer.originalUrls.push(originalUrl);
    buffer.ats.push(at);
    // a full batch is written at once, unless PostgreSQL is down (then the backoff decides)
    if (buffer.urlIds.length >= this.options.batchMax && !this.flushing && !this.failing) void this.flush();
  }

  /** Writes everything buffered so far; one flush at a time. Never throws. */
  flush(): Promise<void> {
    if (!this.flushing) {
      this.flushing = this.writeAll().finally(() => {
        this.flushing = undefined;
      });
    }
    return this.flushing;
  }

  /** Stops the timer and keeps flushing until the buffer is empty or `deadline` passes. */
  async close(deadline: number): Promise<void> {
    clearInterval(this.timer);
    while (this.size > 0 || this.flushing) {
      await this.flush();
      if (this.size === 0) break;
      if (Date.now() >= deadline) {
        this.log.error({ lost: this.size }, 'redirect events could not be written before shutdown');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(200, Math.max(deadline - Date.now(), 0))));
    }
  }

  private async writeAll(): Promise<void> {
    while (this.size > 0) {
      const pending = this.buffer;
      const count = pending.urlIds.length;
      this.buffer = empty();
      let done = 0;
      try {
        while (done < count) {
          // (the common case, one batch, is sent without a copy)
          const batch = done === 0 && count <= this.options.batchMax ? pending : slice(pending, done, done + this.options.batchMax);
          await insertRedirectEvents(this.pool, batch);
          done += batch.urlIds.length;
          this.counters.written += batch.urlIds.length;
        }
        if (this.failing) this.log.info({}, 'redirect events are being written again');
        this.failing = false;
        this.backoffMs = INITIAL_BACKOFF_MS;
        this.retryAt = 0;
      } catch (error) {
        // put the unwritten events back in front of those recorded meanwhile
        this.buffer = concat(slice(pending, done), this.buffer);
        this.counters.failures++;
        if (!this.failing) {
          this.log.warn({ reason: (error as Error).message, buffered: this.size }, 'writing redirect events failed; will retry');
        }
        this.failing = true;
        this.retryAt = Date.now() + this.backoffMs;
        this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
        return;
      }
    }
  }
}

export default fp<{ config: Config }>(
  async (app, { config }) => {
    const buffer = new RedirectEventBuffer(
      app.pg,
      { intervalMs: config.eventFlushIntervalMs, batchMax: config.eventBatchMax, bufferMax: config.eventBufferMax },
      app.log,
    );
    const registers = [app.metrics.registry];
    new Gauge({
      name: 'redirect_events_buffered',
      help: 'Redirect events waiting to be written',
      registers,
      collect() {
        this.set(buffer.size);
      },
    });
    for (const [name, key, help] of [
      ['redirect_events_written_total', 'written', 'Redirect events written to PostgreSQL'],
      ['redirect_events_dropped_total', 'dropped', 'Redirect events dropped because the buffer was full'],
      ['redirect_event_flush_failures_total', 'failures', 'Failed attempts to write buffered redirect events'],
    ] as const) {
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(buffer.counters[key]);
        },
      });
    }

    app.decorate('redirectEvents', buffer);
    app.addHook('onReady', async () => buffer.start());
    app.addHook('onClose', async () => {
      await buffer.close(Date.now() + Math.max(config.shutdownGraceMs - 2000, 1000));
    });
  },
  { name: 'redirect-events', dependencies: ['db', 'metrics'] },
);
