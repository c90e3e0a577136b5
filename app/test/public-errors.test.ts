import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './helpers/app.js';
import { startServer, type RunningServer } from './helpers/process.js';
import { createDatabase, type TestDatabase } from './helpers/services.js';

// Errors that Node answers before Fastify sees the request (bad request line, headers too
// large, a client too slow to send headers or body) have the app's one JSON shape, and every
// error carries a request id that is also in the logs.

let database: TestDatabase;
let server: RunningServer;
let port: number;

beforeAll(async () => {
  database = await createDatabase();
  server = await startServer({ DATABASE_URL: database.url, HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '2000' });
  port = Number(new URL(server.baseUrl).port);
}, 30_000);
afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

/** Writes raw bytes (in parts, with pauses) and returns what the server sent before closing, and when. */
function raw(parts: (string | number)[]): Promise<{ text: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const start = Date.now();
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('close', () => resolve({ text, ms: Date.now() - start }));
    socket.on('error', reject);
    socket.on('connect', async () => {
      for (const part of parts) {
        if (typeof part === 'number') await new Promise((done) => setTimeout(done, part));
        else if (!socket.destroyed) socket.write(part);
      }
    });
  });
}

function parse(text: string) {
  const [head, body] = text.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head!)?.[1]);
  const requestId = /^x-request-id: (.+)$/im.exec(head!)?.[1]?.trim();
  return { status, head: head!, json: JSON.parse(body!), requestId };
}

const logged = (id: string) => server.output().split('\n').filter((line) => line.includes(id));

describe("Node's own error answers", () => {
  it.each([
    ['a malformed request line', ['GARBAGE\r\n\r\n'], 400, 'Malformed HTTP request.'],
    ['headers over the size limit', [`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`], 431, 'The request headers are too large.'],
    ['an invalid header', ['GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n'], 400, 'Malformed HTTP request.'],
    ['an HTTP/1.1 request without Host', ['GET /health HTTP/1.1\r\n\r\n'], 400, 'An HTTP/1.1 request needs a Host header.'],
    ['CONNECT', ['CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'], 405, 'CONNECT is not supported: this service is not a proxy.'],
    ['an Expect other than 100-continue', ['POST /users HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\n{}'], 417, 'Only "Expect: 100-continue" is supported.'],
  ] as const)('answer %s with the JSON error shape and a request id that is in the logs', async (_name, parts, status, message) => {
    const { text } = await raw([...parts]);
    const response = parse(text);
    expect(response.status).toBe(status);
    expect(response.head).toMatch(/content-type: application\/json/i);
    expect(response.json).toEqual({ code: status, status: expect.any(String), message, request_id: response.requestId });
    // the log is written asynchronously, in batches
    await eventually(async () => logged(response.requestId!).length === 1, 3000);
  });

  it('answers 408 to a client that sends its headers too slowly (HEADERS_TIMEOUT_MS=1000)', async () => {
    const { text, ms } = await raw(['GET /health HTTP/1.1\r\nHost: x\r\n', 500, 'X-A: 1\r\n', 5000]);
    const response = parse(text);
    expect(response.status).toBe(408);
    expect(response.json).toMatchObject({ code: 408, message: 'The request was not received in time.', request_id: expect.any(String) });
    expect(ms).toBeLessThan(3500);
  });

  it('answers 408 to a client whose body never arrives (REQUEST_TIMEOUT_MS=2000)', async () => {
    const { text, ms } = await raw([
      'POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"user',
      8000,
    ]);
    const response = parse(text);
    expect(response.status).toBe(408);
    expect(response.json.code).toBe(408);
    expect(ms).toBeLessThan(4500);
  }, 15_000);
});

describe('request ids', () => {
  it('are on every app error, as header and body, reuse a sane X-Request-Id, and appear in the request log line', async () => {
    const fresh = await fetch(`${server.baseUrl}/urls/999999`);
    const body = (await fresh.json()) as { request_id: string };
    expect(fresh.status).toBe(404);
    expect(body.request_id).toBe(fresh.headers.get('x-request-id'));
    expect(body.request_id).toMatch(/^[0-9a-f-]{36}$/);

    const given = await fetch(`${server.baseUrl}/users/abc`, { headers: { 'x-request-id': 'edge-1234.abc' } });
    expect(((await given.json()) as { request_id: string }).request_id).toBe('edge-1234.abc');
    const hostile = await fetch(`${server.baseUrl}/users/abc`, { headers: { 'x-request-id': 'a b<script>' } });
    expect(((await hostile.json()) as { request_id: string }).request_id).toMatch(/^[0-9a-f-]{36}$/);

    await eventually(async () => logged(body.request_id).length > 0, 3000);
    const line = JSON.parse(logged(body.request_id)[0]!);
    expect(line).toMatchObject({ reqId: body.request_id, statusCode: 404, msg: 'request completed' });
  });
});

describe('request log lines', () => {
  it('are JSON whatever the path holds: quotes and backslashes come back as sent', async () => {
    // raw, so each path reaches the server as written (fetch would percent-encode it)
    // (Node itself refuses control characters and non-ASCII bytes in a request line)
    const paths = ['/plain-path?x=1', '/a"b\\c"', '/{a}|b^`~%22'];
    for (const [i, path] of paths.entries()) {
      await raw([`GET ${path} HTTP/1.1\r\nHost: x\r\nX-Request-Id: logline-${i}\r\nConnection: close\r\n\r\n`]);
    }
    for (const [i, path] of paths.entries()) {
      await eventually(async () => logged(`"logline-${i}"`).length > 0, 3000);
      expect(JSON.parse(logged(`"logline-${i}"`)[0]!)).toMatchObject({ reqId: `logline-${i}`, url: path, msg: 'request completed' });
    }
  });

  it('with LOG_REDIRECTS=false, logs every request but the redirects answered, and still the redirects that fail', async () => {
    const quiet = await startServer({ DATABASE_URL: database.url, LOG_REDIRECTS: 'false' });
    try {
      const post = (path: string, body: unknown) =>
        fetch(`${quiet.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const user = (await (await post('/users', { username: 'quiet', email: 'quiet@example.com' })).json()) as { id: number };
      const url = (await (await post('/urls', { user_id: user.id, original_url: 'https://example.com/quiet' })).json()) as { short_code: string };
      for (const id of ['redirect-1', 'redirect-2']) {
        expect((await fetch(`${quiet.baseUrl}/${url.short_code}`, { redirect: 'manual', headers: { 'x-request-id': id } })).status).toBe(302);
      }
      expect((await fetch(`${quiet.baseUrl}/nosuchcode`, { headers: { 'x-request-id': 'redirect-missing' } })).status).toBe(404);

      // lines leave in order: once the last one is out, the earlier ones would be too
      const lines = (id: string) => quiet.output().split('\n').filter((line) => line.includes(id));
      await eventually(async () => lines('redirect-missing').length > 0, 3000);
      expect(JSON.parse(lines('redirect-missing')[0]!)).toMatchObject({ route: '/:short_code', statusCode: 404, msg: 'request completed' });
      expect(lines('redirect-1')).toEqual([]);
      expect(lines('redirect-2')).toEqual([]);
      expect(quiet.output()).toMatch(/"route":"\/urls","url":"\/urls","statusCode":201/);
    } finally {
      await quiet.stop();
    }
  });
});
