import type { Redis } from 'ioredis';

// Valkey's clock as seen from this process, so a command can carry a deadline in Valkey's time.
// Each sample is a TIME command: Valkey read its clock somewhere between sending and reading the
// reply, so the estimate of the offset is off by at most half that round trip, whatever the
// event loop's lag (a late read only widens the bound). The tightest sample is kept, and
// replaced every RESAMPLE_MS so a stepped clock is followed; a new connection (another primary
// after a failover) starts afresh.

const RESAMPLE_MS = 10_000;

interface Sample {
  offsetMs: number;
  /** half the round trip: the most the offset can be off by */
  errorMs: number;
  at: number;
}

export class ValkeyClock {
  private best: Sample | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sampling = false;

  constructor(private readonly redis: Redis) {
    redis.on('ready', () => {
      this.best = undefined;
      void this.sample();
    });
  }

  start(): void {
    this.timer = setInterval(() => void this.sample(), RESAMPLE_MS);
    this.timer.unref();
    if (this.redis.status === 'ready') void this.sample();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Valkey's time in ms for a local instant, and how far off it may be; undefined before the first sample. */
  toValkey(localMs: number): { ms: number; errorMs: number } | undefined {
    return this.best && { ms: localMs + this.best.offsetMs, errorMs: this.best.errorMs };
  }

  private async sample(): Promise<void> {
    if (this.sampling || this.redis.status !== 'ready') return;
    this.sampling = true;
    try {
      const sent = Date.now();
      const [seconds, micros] = await this.redis.time();
      const read = Date.now();
      const valkeyMs = Number(seconds) * 1000 + Number(micros) / 1000;
      // Date.now() has 1 ms resolution: half a round trip plus a millisecond either side
      const sample = { offsetMs: valkeyMs - (sent + read) / 2, errorMs: (read - sent) / 2 + 1, at: read };
      const stale = this.best !== undefined && read - this.best.at > RESAMPLE_MS * 6;
      if (!this.best || stale || sample.errorMs <= this.best.errorMs * 1.5 + 1) this.best = sample;
    } catch {
      // a failed sample keeps the last one
    } finally {
      this.sampling = false;
    }
  }
}
