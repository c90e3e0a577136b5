import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration from the environment', () => {
  it('defaults everything but DATABASE_URL, and runs uncached without REDIS_URL', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u:secret@db:5432/app' });
    expect(config).toMatchObject({
      port: 5000,
      host: '0.0.0.0',
      redisUrl: undefined,
      cacheTtlSeconds: 30,
      eventFlushIntervalMs: 500,
      logLevel: 'info',
    });
  });

  it('lists every problem at once and never echoes a URL that may hold a password', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'not a url:secret', REDIS_URL: 'http://cache', EVENT_FLUSH_INTERVAL_MS: '5000', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'PORT must be an integer, got "eighty"',
      'DATABASE_URL is not a valid URL',
      'REDIS_URL must use redis: or rediss: or valkey: or valkeys:, got http:',
      'EVENT_FLUSH_INTERVAL_MS must be between 10 and 1000, got 5000',
    ]);
    expect((error as Error).message).not.toContain('secret');
  });

  it('requires DATABASE_URL', () => {
    expect(() => loadConfig({})).toThrow('DATABASE_URL is required');
  });

  it('defaults to the protected mode with abuse limits, and checks the new settings together', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://db/app', DESTINATION_DENY_DOMAINS: ' Evil.Example., *.phish.example ' });
    expect(config).toMatchObject({
      openApi: false,
      cacheTimeoutMs: 25,
      rateLimit: { perAddress: 600, perKey: 1200, creates: 60, redirectMisses: 600, windowMs: 60_000 },
      pageOffsetMax: 10_000,
      listStatementTimeoutMs: 1000,
      headersTimeoutMs: 5000,
      requestTimeoutMs: 10_000,
      destinationDenyDomains: ['evil.example', 'phish.example'],
      destinationAllowDomains: [],
    });
    expect(() =>
      loadConfig({ DATABASE_URL: 'postgres://db/app', OPEN_API: 'yes', DESTINATION_ALLOW_DOMAINS: 'ok.example,bad domain', HEADERS_TIMEOUT_MS: '8000', REQUEST_TIMEOUT_MS: '6000' }),
    ).toThrow(
      new ConfigError([
        'OPEN_API must be true or false, got "yes"',
        'DESTINATION_ALLOW_DOMAINS entries must be domain names, got "bad domain"',
        'REQUEST_TIMEOUT_MS (6000) must not be below HEADERS_TIMEOUT_MS (8000)',
      ]),
    );
  });

  it('reads the destination settings: homographs refused by default, names resolved only when a resolver is set', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://db/app' })).toMatchObject({ destinationHomographs: 'refuse', destinationResolver: undefined, destinationResolveTimeoutMs: 1000 });
    expect(loadConfig({ DATABASE_URL: 'postgres://db/app', DESTINATION_HOMOGRAPHS: 'flag', DESTINATION_RESOLVER: '10.43.0.10, [fd00::10]:5353' })).toMatchObject({
      destinationHomographs: 'flag',
      destinationResolver: { kind: 'servers', servers: ['10.43.0.10', '[fd00::10]:5353'] },
    });
    expect(loadConfig({ DATABASE_URL: 'postgres://db/app', DESTINATION_RESOLVER: 'system' }).destinationResolver).toEqual({ kind: 'system' });
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/app', DESTINATION_HOMOGRAPHS: 'warn', DESTINATION_RESOLVER: 'dns.example:53' })).toThrow(
      new ConfigError([
        'DESTINATION_HOMOGRAPHS must be one of refuse, flag, got "warn"',
        'DESTINATION_RESOLVER must be system or DNS servers as ip[:port],..., got "dns.example:53"',
      ]),
    );
  });
});
