import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNode } from './helpers/process.js';
import { createDatabase, type TestDatabase } from './helpers/services.js';

let database: TestDatabase;
let db: pg.Pool;
let dir: string;

beforeAll(async () => {
  database = await createDatabase();
  db = new pg.Pool({ connectionString: database.url, max: 2 });
  dir = mkdtempSync(join(tmpdir(), 'urlshort-seed-'));
  writeFileSync(
    join(dir, 'users.csv'),
    'id,username,email,created_at\n1,silvercanoe,silvercanoe@hackstack.io,2025-09-19 22:25:05\n2,urbanharbor,urbanharbor@opswise.net,2025-04-18 14:42:23\n',
  );
  writeFileSync(
    join(dir, 'urls.csv'),
    'id,user_id,short_code,original_url,title,is_active,created_at,updated_at\n' +
      '1,1,xd9Kq2,https://opswise.net/harbor/journey/1,Service guide lagoon,True,2025-06-04 01:26:23,2025-11-07 06:27:12\n' +
      '2,2,health,https://hackstack.io/x,Named like a route,False,2025-06-05 00:00:00,2025-06-05 00:00:00\n',
  );
  writeFileSync(
    join(dir, 'events.csv'),
    'id,url_id,user_id,event_type,timestamp,details\n' +
      '1,1,1,created,2025-06-04 01:26:23,"{""short_code"": ""xd9Kq2"", ""original_url"": ""https://opswise.net/harbor/journey/1""}"\n' +
      '2,1,1,redirect,2025-06-05 10:00:00,"{""short_code"": ""xd9Kq2""}"\n' +
      '3,99,1,redirect,2025-06-05 10:00:00,{}\n',
  );
});
afterAll(async () => {
  await db?.end();
  await database?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const runSeed = async (args: string[]) => {
  const run = runNode('build/seed.js', args, { DATABASE_URL: database.url });
  const { code } = await run.exited;
  return { code, output: run.output() };
};

describe('npm run app:seed -- <dir>', () => {
  it('applies the migrations and loads users.csv, urls.csv and events.csv with their ids, booleans and times', async () => {
    const { code, output } = await runSeed([dir]);
    expect(output).toContain('users: imported 2, already present 0, skipped 0');
    expect(output).toContain('urls: imported 2, already present 0, skipped 0');
    expect(output).toContain('events: imported 2, already present 0, skipped 1'); // url 99 does not exist
    expect(code).toBe(0);

    const url = (await db.query("SELECT user_id, short_code, is_active, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS updated FROM urls WHERE id = 2")).rows[0];
    expect(url).toEqual({ user_id: 2, short_code: 'health', is_active: false, updated: '2025-06-05 00:00:00' });
    const event = (await db.query('SELECT details FROM events WHERE id = 1')).rows[0];
    expect(event.details).toEqual({ short_code: 'xd9Kq2', original_url: 'https://opswise.net/harbor/journey/1' });
    const next = (await db.query("INSERT INTO users (username, email) VALUES ('n', 'n@example.com') RETURNING id")).rows[0];
    expect(next.id).toBe(3);
  });

  it('is idempotent: a second run imports nothing and changes nothing', async () => {
    const before = (await db.query('SELECT (SELECT count(*) FROM users) AS u, (SELECT count(*) FROM urls) AS r, (SELECT count(*) FROM events) AS e')).rows[0];
    const { code, output } = await runSeed([dir]);
    expect(code).toBe(0);
    expect(output).toContain('users: imported 0, already present 2, skipped 0');
    expect(output).toContain('events: imported 0, already present 2, skipped 1');
    const after = (await db.query('SELECT (SELECT count(*) FROM users) AS u, (SELECT count(*) FROM urls) AS r, (SELECT count(*) FROM events) AS e')).rows[0];
    expect(after).toEqual(before);
  });

  it('exits 2 with a usage line when no directory is given, and 1 naming the file for an invalid row', async () => {
    const usage = await runSeed([]);
    expect(usage.code).toBe(2);
    expect(usage.output).toContain('usage: npm run app:seed -- <dir');
    const bad = mkdtempSync(join(tmpdir(), 'urlshort-seed-bad-'));
    try {
      writeFileSync(join(bad, 'users.csv'), 'id,username,email,created_at\n10,a,not-an-email,\n');
      const failed = await runSeed([bad]);
      expect(failed.code).toBe(1);
      expect(failed.output).toContain('seed failed: users.csv: line 2: email: not a valid email address');
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
