import { type Command, Redis, type RedisOptions } from 'ioredis';
import type { RedisSentinel } from '../config.js';

export type ValkeyTarget = { url: string } | { sentinel: RedisSentinel };

export interface ValkeyOptions extends Omit<RedisOptions, 'commandTimeout'> {
  /** A command still unanswered this long after it was sent fails with "Command timed out". */
  commandTimeout: number;
}

/** ioredis options that follow the primary through Sentinel, with the same password for both. */
export function sentinelOptions<T extends object>(sentinel: RedisSentinel, common: T): T & RedisOptions {
  return {
    ...common,
    sentinels: sentinel.sentinels,
    name: sentinel.masterName,
    password: sentinel.password,
    sentinelPassword: sentinel.password,
  };
}

const TIMED_OUT = 'Command timed out';

function expire(command: Command): void {
  if (command.isResolved) return;
  // A busy event loop runs its due timers before it reads sockets: a reply that arrived in time
  // may be waiting unread. setImmediate runs after the next socket read, so only a command
  // whose reply really is missing fails.
  setImmediate(() => {
    if (!command.isResolved) command.reject(new Error(TIMED_OUT));
  });
}

/**
 * ioredis with a command timeout that counts Valkey's delay, not the event loop's. ioredis's
 * own `commandTimeout` fires whenever the process is late to read an answer: under load (an
 * event loop 30 ms behind) every command "timed out" against a Valkey answering in 0.1 ms,
 * the cache was declared degraded and bypassed, and all reads fell on PostgreSQL.
 */
class LagTolerantRedis extends Redis {
  deadlineMs = 1000;

  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): unknown {
    // not cleared on reply (the callback is a flag check, cheaper than clearing per command),
    // and unref'd: a command's timer must not hold a closing process
    setTimeout(expire, this.deadlineMs, command).unref();
    return super.sendCommand(command, stream);
  }
}

/** A Valkey (or Redis) connection, to one server or to the primary that Sentinel names. */
export function connectValkey(target: ValkeyTarget, { commandTimeout, ...options }: ValkeyOptions): Redis {
  const client = 'url' in target ? new LagTolerantRedis(target.url, options) : new LagTolerantRedis(sentinelOptions(target.sentinel, options));
  client.deadlineMs = commandTimeout;
  return client;
}
