import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/db/migrate.js';
import { migrations } from '../src/db/migrations.js';
import { createDatabase, type TestDatabase } from './helpers/services.js';

let database: TestDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  database = await createDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 4 });
});
afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

describe('migrations', () => {
  it('apply every version once, record it, and do nothing on later starts, even when replicas start together', async () => {
    const results = await Promise.all([migrate(pool), migrate(pool), migrate(pool)]);
    expect(results.flat().sort()).toEqual(migrations.map((m) => m.version));
    const { rows } = await pool.query('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(rows).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })));
    expect(await migrate(pool)).toEqual([]);
  });

  it('roll back a failing migration whole and name it', async () => {
    const broken = [...migrations, { version: 999, name: 'broken', sql: 'CREATE TABLE half_done (id int); SELECT * FROM no_such_table;' }];
    await expect(migrate(pool, broken)).rejects.toThrow(/^migration 999 \(broken\) failed: relation "no_such_table" does not exist$/);
    expect((await pool.query("SELECT to_regclass('half_done') AS t")).rows[0].t).toBeNull();
    expect((await pool.query('SELECT count(*)::int AS n FROM schema_migrations WHERE version = 999')).rows[0].n).toBe(0);
  });
});
