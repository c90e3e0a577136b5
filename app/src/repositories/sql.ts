// Column lists shared by every query that returns an API object. Times are formatted by
// PostgreSQL, in UTC and without an offset, as the seed service printed them.

const time = (column: string, alias = column) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') AS "${alias}"`;

export const USER_COLUMNS = `id, username, email, ${time('created_at')}`;

export const URL_COLUMNS = `id, user_id, short_code, original_url, title, is_active, ${time('created_at')}, ${time('updated_at')}`;

export const EVENT_COLUMNS = `id, url_id, user_id, event_type, ${time('"timestamp"', 'timestamp')}, details`;

export interface Page {
  limit: number;
  offset: number;
  /** Keyset paging: only rows with a greater id. */
  after?: number;
}

export const DEFAULT_PER_PAGE = 20;

export function toPage(page = 1, perPage = DEFAULT_PER_PAGE, after?: number): Page {
  return { limit: perPage, offset: (page - 1) * perPage, after };
}

/** `ORDER BY id LIMIT .. OFFSET ..`, after `id > cursor` joined to the filters' WHERE clause. */
export function pageClause(clause: string, page: Page, values: unknown[], column = 'id'): string {
  let sql = clause;
  if (page.after !== undefined) {
    values.push(page.after);
    sql = `${clause ? `${clause} AND` : 'WHERE'} ${column} > $${values.length}`;
  }
  values.push(page.limit, page.offset);
  return `${sql} ORDER BY ${column} LIMIT $${values.length - 1} OFFSET $${values.length}`;
}

/** Builds `WHERE a = $1 AND b = $2` from the filters that are set. */
export function where(filters: Record<string, unknown>, values: unknown[]): string {
  const clauses: string[] = [];
  for (const [column, value] of Object.entries(filters)) {
    if (value === undefined) continue;
    values.push(value);
    clauses.push(`${column} = $${values.length}`);
  }
  return clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
}
