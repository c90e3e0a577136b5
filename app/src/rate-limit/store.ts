import type { Redis } from 'ioredis';
import type { ValkeyClock } from './valkey-clock.js';

// The rate limits' counters in Valkey, for @fastify/rate-limit (its `store` option). Two rules
// keep a frozen or slow Valkey from replaying work when it resumes (issue 25: a 5 s SIGSTOP left
// 9,207 increments queued, which then locked an address out of redirects for 34 s):
//  - every increment carries a deadline in Valkey's own time: the command timeout after it was
//    sent, plus the clock estimate's error. Valkey runs it late, after a freeze, as a no-op:
//    a command the client has given up on is dropped, not replayed;
//  - after a command fails, none is sent until a PING answers (a breaker): a frozen Valkey
//    collects at most the commands of one timeout, and those are dropped by the first rule.
// While either holds, requests are counted nowhere and served (the limits fail open).

const INCREMENT_BEFORE_DEADLINE = `
local deadline = tonumber(ARGV[2])
if deadline > 0 then
  local now = redis.call('TIME')
  if tonumber(now[1]) * 1000 + tonumber(now[2]) / 1000 > deadline then
    return {-1, 0}
  end
end
local current = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {current, ttl}`;

interface DeadlineRedis extends Redis {
  incrementBefore(key: string, windowMs: number, deadline: number, callback: (error: Error | null | undefined, result?: [number, number]) => void): void;
}

type Callback = (error: Error | null, result: { current: number; ttl: number } | null) => void;

export class CountNotKept extends Error {
  constructor(reason: string) {
    super(`rate-limit counter not updated: ${reason}`);
    this.name = 'CountNotKept';
  }
}

export interface StoreEvents {
  /** A count was skipped: Valkey was failing, or ran the command after its deadline. */
  uncounted(reason: 'valkey-unavailable' | 'deadline-passed'): void;
}

export class DeadlineStore {
  private readonly redis: DeadlineRedis;
  /** Open (no command sent) after a failure, until a PING answers. */
  private suspended = false;
  private probe: NodeJS.Timeout | undefined;
  private probing = false;

  constructor(
    redis: Redis,
    private readonly clock: ValkeyClock,
    private readonly options: { prefix: string; timeoutMs: number; probeEveryMs: number; events: StoreEvents },
  ) {
    this.redis = redis as DeadlineRedis;
    this.redis.defineCommand('incrementBefore', { numberOfKeys: 1, lua: INCREMENT_BEFORE_DEADLINE });
  }

  get available(): boolean {
    return !this.suspended && this.redis.status === 'ready';
  }

  /** @fastify/rate-limit's store interface: count one request under `key`. */
  incr(key: string, callback: Callback, timeWindow: number): void {
    if (!this.available) {
      this.options.events.uncounted('valkey-unavailable');
      callback(new CountNotKept('Valkey unavailable'), null);
      return;
    }
    const valkeyNow = this.clock.toValkey(Date.now());
    const deadline = valkeyNow ? Math.ceil(valkeyNow.ms + this.options.timeoutMs + valkeyNow.errorMs) : 0;
    this.redis.incrementBefore(this.options.prefix + key, timeWindow, deadline, (error, result) => {
      if (error || !result) {
        this.suspend();
        this.options.events.uncounted('valkey-unavailable');
        callback(error ?? new CountNotKept('no reply'), null);
      } else if (result[0] < 0) {
        // a late reply this process still read: Valkey was slow, and counted nothing
        this.options.events.uncounted('deadline-passed');
        callback(new CountNotKept('deadline passed'), null);
      } else {
        callback(null, { current: result[0], ttl: result[1] });
      }
    });
  }

  /** One store serves every bucket: the bucket is in the key. */
  child(): DeadlineStore {
    return this;
  }

  close(): void {
    clearInterval(this.probe);
  }

  private suspend(): void {
    if (this.suspended) return;
    this.suspended = true;
    this.probe = setInterval(() => {
      // one PING at a time: a frozen Valkey need not collect them either
      if (this.probing || this.redis.status !== 'ready') return;
      this.probing = true;
      this.redis
        .ping()
        .then(
          () => {
            clearInterval(this.probe);
            this.suspended = false;
          },
          () => undefined,
        )
        .finally(() => (this.probing = false));
    }, this.options.probeEveryMs);
    this.probe.unref();
  }
}
