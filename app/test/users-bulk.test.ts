import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, json, type TestApp } from './helpers/app.js';
import { createUser } from './helpers/fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

function multipart(parts: { name: string; filename?: string; content: string | Buffer }[]) {
  const boundary = `----test${Date.now()}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`;
    const type = part.filename ? 'Content-Type: text/csv\r\n' : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`), Buffer.from(part.content), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: Buffer.concat(chunks) };
}

const upload = (csv: string | Buffer, name = 'file') =>
  t.app.inject({ method: 'POST', url: '/users/bulk', ...multipart([{ name, filename: 'users.csv', content: csv }]) });

const HEADER = 'id,username,email,created_at\n';

describe('POST /users/bulk', () => {
  it('imports users.csv with its ids and times, answers 201 {"imported": n}, and is idempotent by id', async () => {
    const csv = `${HEADER}100,ann,ann@bulk.example,2025-03-01 10:20:30\n101,bob,bob@bulk.example,2025-03-02 11:00:00\n102,"Doe, Jane",jane@bulk.example,2025-03-03 00:00:01\n`;
    const first = await upload(csv);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({ imported: 3, skipped: 0 });
    const user = await t.app.inject({ method: 'GET', url: '/users/102' });
    expect(user.json()).toEqual({ id: 102, username: 'Doe, Jane', email: 'jane@bulk.example', created_at: '2025-03-03T00:00:01' });

    const second = await upload(csv);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual({ imported: 0, skipped: 0 });
  });

  it('leaves rows whose id exists as they are', async () => {
    await upload(`${HEADER}200,original,original@bulk.example,2025-01-01 00:00:00\n`);
    const response = await upload(`${HEADER}200,changed,changed@bulk.example,2025-01-01 00:00:00\n201,new,new@bulk.example,2025-01-01 00:00:00\n`);
    expect(response.json()).toEqual({ imported: 1, skipped: 0 });
    expect((await t.app.inject({ method: 'GET', url: '/users/200' })).json().username).toBe('original');
  });

  it('skips and counts a row whose email belongs to another id', async () => {
    const existing = await createUser(t);
    const response = await upload(`${HEADER}300,dup,${existing.email.toUpperCase()},2025-01-01 00:00:00\n301,fresh,fresh@bulk.example,2025-01-01 00:00:00\n302,twin,fresh@bulk.example,2025-01-01 00:00:00\n`);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ imported: 1, skipped: 2 });
    expect((await t.app.inject({ method: 'GET', url: '/users/300' })).statusCode).toBe(404);
  });

  it('moves the id sequence past imported ids', async () => {
    await upload(`${HEADER}5000,high,high@bulk.example,2025-01-01 00:00:00\n`);
    const created = await createUser(t);
    expect(created.id).toBe(5001);
  });

  it('makes imported users visible at once in a cached list', async () => {
    await t.app.inject({ method: 'GET', url: '/users' });
    await upload(`${HEADER}6000,listed,listed@bulk.example,2025-01-01 00:00:00\n`);
    const list = await t.app.inject({ method: 'GET', url: '/users' });
    expect(list.json().map((u: { id: number }) => u.id)).toContain(6000);
  });

  it('accepts a BOM, CRLF line ends and an empty created_at', async () => {
    const response = await upload(Buffer.from(`\ufeffid,username,email,created_at\r\n7000,crlf,crlf@bulk.example,\r\n`));
    expect(response.json()).toEqual({ imported: 1, skipped: 0 });
  });

  it.each([
    ['a missing column', 'id,username\n1,a\n', 'missing column: email'],
    ['an invalid email', `${HEADER}8000,a,not-an-email,2025-01-01 00:00:00\n`, 'line 2: email: not a valid email address'],
    ['a non-numeric id', `${HEADER}x,a,a@b.example,2025-01-01 00:00:00\n`, 'line 2: id: not a valid id'],
    ['an impossible date', `${HEADER}8001,a,a@b.example,2025-02-30 00:00:00\n`, 'line 2: created_at: not a valid date and time'],
    ['an over-long username', `${HEADER}8002,${'u'.repeat(81)},a@b.example,\n`, 'line 2: username: longer than 80 characters'],
    ['unbalanced quotes', `${HEADER}8003,"a,a@b.example,\n`, 'malformed CSV'],
  ])('answers 422 and imports nothing for %s', async (_name, csv, message) => {
    const before = (await t.db.query('SELECT count(*)::int AS n FROM users')).rows[0].n;
    const response = await upload(csv);
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 422, status: 'Unprocessable Entity', errors: { files: { file: [expect.stringContaining(message)] } } });
    expect((await t.db.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBe(before);
  });

  it('answers 422 when the file field is missing or the request is not multipart', async () => {
    const wrongField = await upload(`${HEADER}9000,a,a@b.example,\n`, 'document');
    expect(wrongField.statusCode).toBe(422);
    expect(wrongField.json().errors).toEqual({ files: { file: ['Missing data for required field.'] } });
    const notMultipart = await t.app.inject({ method: 'POST', url: '/users/bulk', ...json({ file: 'id,username' }) });
    expect(notMultipart.statusCode).toBe(422);
    expect(notMultipart.json().errors.files.file[0]).toMatch(/multipart\/form-data/);
  });

  it.each([
    ['a body without boundary lines', 'multipart/form-data; boundary=xyz', 'garbage'],
    ['no boundary parameter', 'multipart/form-data', 'garbage'],
    ['a truncated part', 'multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nid,username'],
  ])('answers 422, not 500, for a malformed multipart body: %s', async (_name, type, payload) => {
    const response = await t.app.inject({ method: 'POST', url: '/users/bulk', headers: { 'content-type': type }, payload });
    expect(response.statusCode).toBe(422);
    expect(response.json().errors.files.file[0]).toMatch(/^Malformed multipart\/form-data body: /);
  });

  it('accepts a file of almost 10 MB and answers 413 above 10 MB', async () => {
    const row = (i: number) => `${100_000 + i},user${i},user${i}@big.example,2025-01-01 00:00:00\n`;
    const rows: string[] = [];
    let size = HEADER.length;
    for (let i = 0; size < 9.5 * 1024 * 1024; i++) {
      rows.push(row(i));
      size += rows[i]!.length;
    }
    const csv = HEADER + rows.join('');
    expect(csv.length).toBeGreaterThan(9 * 1024 * 1024);
    const ok = await upload(csv);
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toEqual({ imported: rows.length, skipped: 0 });

    const tooBig = await upload(csv + 'x'.repeat(1024 * 1024));
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json()).toEqual({ request_id: expect.any(String), code: 413, status: 'Payload Too Large', message: 'The request body is too large.' });
  }, 60_000);
});
