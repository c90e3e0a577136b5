import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { createUrl, createUser } from './helpers/fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('probes', () => {
  it('GET /health answers 200 {"status":"ok"}', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('GET /ready answers 200 after a database round trip', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('GET /ready answers 503 while the service drains', async () => {
    t.app.lifecycle.draining = true;
    try {
      const response = await t.app.inject({ method: 'GET', url: '/ready' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ status: 'error', reason: 'shutting down' });
      expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      t.app.lifecycle.draining = false;
    }
  });
});

describe('GET /metrics', () => {
  it('exposes requests, latency, cache, process, pool and queue metrics in Prometheus text', async () => {
    const user = await createUser(t);
    const url = await createUrl(t, user.id);
    await t.app.inject({ method: 'GET', url: `/${url.short_code}` });
    await t.app.inject({ method: 'GET', url: '/users/999999' });
    await t.app.inject({ method: 'GET', url: '/nowhere/at/all' });

    const response = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.body;
    expect(text).toMatch(/^http_requests_total\{method="POST",route="\/users",status_code="201"\} 1$/m);
    expect(text).toMatch(/^http_requests_total\{method="GET",route="\/:short_code",status_code="302"\} 1$/m);
    expect(text).toMatch(/^http_requests_total\{method="GET",route="\/users\/:id",status_code="404"\} 1$/m);
    expect(text).toMatch(/^http_requests_total\{method="GET",route="unmatched",status_code="404"\} 1$/m);
    expect(text).toMatch(/^http_request_duration_seconds_bucket\{le="0\.05",method="POST",route="\/urls",status_code="201"\} 1$/m);
    expect(text).toMatch(/^cache_misses_total\{resource="redirect"\} 1$/m);
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
    expect(text).toMatch(/^db_pool_connections\{state="total"\} [1-9]/m);
    expect(text).toMatch(/^db_pool_connections\{state="waiting"\} 0$/m);
    expect(text).toMatch(/^redirect_events_buffered [01]$/m);
    expect(text).toMatch(/^http_requests_in_flight 1$/m);
    // the request histogram is our own exposition (lib/request-metrics.ts): buckets cumulative up to +Inf, and the count beside them
    expect(text).toMatch(/^http_request_duration_seconds_bucket\{le="\+Inf",method="POST",route="\/urls",status_code="201"\} 1$/m);
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="POST",route="\/urls",status_code="201"\} 1$/m);
    expect(text).toMatch(/^# TYPE http_request_duration_seconds histogram$/m);
    // and Prometheus's own parser and linter accept the page; its only remarks are on
    // prom-client's default nodejs_active_*_total gauges, which are not ours to rename
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(lint.error).toBeUndefined();
    const remarks = (lint.stdout + lint.stderr).split('\n').filter((line) => line !== '' && !/^nodejs_active_\w+_total non-counter/.test(line));
    expect(remarks).toEqual([]);
    await t.app.redirectEvents.flush();
    const after = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(after).toMatch(/^redirect_events_written_total 1$/m);
    expect(after).toMatch(/^redirect_events_buffered 0$/m);
  });
});

// after the metrics test: its requests (a miss among them) would change the counts it reads
describe('draining', () => {
  it('closes the connection after every response while the service drains, errors included', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health' })).headers.connection).toBe('keep-alive');
    t.app.lifecycle.draining = true;
    try {
      for (const url of ['/health', '/ready', '/nosuchcode', '/urls/nosuchcode/redirect']) {
        const response = await t.app.inject({ method: 'GET', url });
        expect({ url, connection: response.headers.connection }).toEqual({ url, connection: 'close' });
      }
    } finally {
      t.app.lifecycle.draining = false;
    }
  });
});
