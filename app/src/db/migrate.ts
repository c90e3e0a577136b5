import type { Pool } from 'pg';
import { migrations as defaultMigrations, type Migration } from './migrations.js';

// Any constant works; it only has to be the same for every replica.
const MIGRATION_LOCK = 7_002_001;

/**
 * Applies pending migrations in one transaction under a transaction-scoped advisory lock, so
 * replicas starting together do not race. The lock ends with the transaction: it cannot leak
 * onto a pooled server connection behind PgBouncer in transaction mode (the chart's setup), as
 * a session lock would. A failing migration is named, and nothing of the run is kept.
 * Returns the versions applied.
 */
export async function migrate(pool: Pool, migrations: Migration[] = defaultMigrations): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((row) => row.version));
    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      } catch (error) {
        throw new Error(`migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
