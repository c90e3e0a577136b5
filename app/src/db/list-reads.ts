import pg, { type Pool, type QueryResult, type QueryResultRow } from 'pg';

/**
 * The list queries, each under the list statement timeout, set for its own transaction alone.
 * A timeout sent when connecting is refused by PgBouncer ("unsupported startup parameter"),
 * and a session-wide SET would stay on a server connection that a transaction-mode pooler then
 * hands to other clients; SET LOCAL ends with the transaction. Both statements go in one
 * simple-protocol message, which PostgreSQL runs as one implicit transaction: one round trip,
 * as before. That protocol takes no parameters, so the values are written in as literals.
 */
export class ListReads {
  constructor(
    private readonly pool: Pool,
    private readonly timeoutMs: number,
  ) {}

  async rows<R extends QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
    const sql = `SET LOCAL statement_timeout = ${Math.trunc(this.timeoutMs)}; ${inlineValues(text, values)}`;
    const results = (await this.pool.query<R>(sql)) as unknown as QueryResult<R>[];
    return results[results.length - 1]!.rows;
  }
}

/** `text` with each `$n` replaced by values[n - 1] as an SQL literal. */
export function inlineValues(text: string, values: unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => literal(values[Number(n) - 1], n));
}

function literal(value: unknown, n: string): string {
  if (value === null) return 'NULL';
  // NaN and Infinity go quoted, as node-postgres sends them: PostgreSQL then refuses them for an
  // integer column as it did when they were parameters (a client error, not a server one)
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : pg.escapeLiteral(String(value));
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string') return pg.escapeLiteral(value);
  throw new TypeError(`$${n} is ${value === undefined ? 'missing' : `a ${typeof value}`}: only numbers, booleans, strings and null are written as SQL literals`);
}
