import type { Pool } from 'pg';
import { isForeignKeyViolation } from '../db/errors.js';
import type { ListReads } from '../db/list-reads.js';
import { notFound } from '../lib/http-errors.js';
import { generateShortCode } from '../lib/short-code.js';
import { URL_COLUMNS, pageClause, where, type Page } from './sql.js';

export interface Url {
  id: number;
  user_id: number;
  short_code: string;
  original_url: string;
  title: string;
  is_active: boolean;
  created_at: string;
  updated_at: string;
}

/** What a redirect needs, small enough to cache per short code. */
export interface RedirectTarget {
  id: number;
  original_url: string;
  is_active: boolean;
}

export interface UrlFilters {
  user_id?: number;
  is_active?: boolean;
}

export interface UrlPatch {
  title?: string;
  is_active?: boolean;
  original_url?: string;
}

// Fields in the order their `updated` events are written; values as the seed data spells them.
const UPDATABLE = ['title', 'is_active', 'original_url'] as const;
const asSeedString = (value: string | boolean): string => (typeof value === 'boolean' ? (value ? 'True' : 'False') : value);

const CODE_ATTEMPTS = 5;

// One statement: the row and its `created` event commit together.
const INSERT_URL = `
  WITH created AS (
    INSERT INTO urls (user_id, short_code, original_url, title) VALUES ($1, $2, $3, $4)
    ON CONFLICT ON CONSTRAINT urls_short_code_key DO NOTHING
    RETURNING *
  ), event AS (
    INSERT INTO events (url_id, user_id, event_type, "timestamp", details)
    SELECT id, user_id, 'created', created_at, jsonb_build_object('short_code', short_code, 'original_url', original_url)
    FROM created
  )
  SELECT ${URL_COLUMNS} FROM created`;

export class UrlsRepository {
  /** `lists` runs the list queries, with their own statement timeout and connections. */
  constructor(
    private readonly pool: Pool,
    private readonly lists: ListReads,
  ) {}

  async list(filters: UrlFilters, page: Page): Promise<Url[]> {
    const values: unknown[] = [];
    const clause = where(filters as Record<string, unknown>, values);
    return this.lists.rows<Url>(`SELECT ${URL_COLUMNS} FROM urls ${pageClause(clause, page, values)}`, values);
  }

  async findById(id: number): Promise<Url | null> {
    const { rows } = await this.pool.query<Url>({
      name: 'url-by-id',
      text: `SELECT ${URL_COLUMNS} FROM urls WHERE id = $1`,
      values: [id],
    });
    return rows[0] ?? null;
  }

  async findRedirectTarget(shortCode: string): Promise<RedirectTarget | null> {
    const { rows } = await this.pool.query<RedirectTarget>({
      name: 'redirect-target',
      text: 'SELECT id, original_url, is_active FROM urls WHERE short_code = $1',
      values: [shortCode],
    });
    return rows[0] ?? null;
  }

  /** Creates a URL with a fresh short code and its `created` event; 404 when the user does not exist. */
  async create(input: { user_id: number; original_url: string; title: string }): Promise<Url> {
    for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
      try {
        const { rows } = await this.pool.query<Url>({
          name: 'insert-url',
          text: INSERT_URL,
          values: [input.user_id, generateShortCode(), input.original_url, input.title],
        });
        if (rows[0]) return rows[0];
      } catch (error) {
        if (isForeignKeyViolation(error, 'urls_user_id_fkey')) throw notFound(`User ${input.user_id} not found.`);
        throw error;
      }
    }
    // 62^6 codes: five collisions in a row means something else is wrong
    throw new Error('could not generate a unique short code');
  }

  /**
   * Applies a partial update and writes one `updated` event per field whose value really
   * changed, in one transaction. Null when the URL does not exist.
   */
  async update(id: number, patch: UrlPatch, ownerId?: number): Promise<{ before: Url; after: Url } | null> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const { rows: found } = await client.query<Url>(`SELECT ${URL_COLUMNS} FROM urls WHERE id = $1 FOR UPDATE`, [id]);
      const before = found[0];
      if (!before || (ownerId !== undefined && before.user_id !== ownerId)) {
        await client.query('ROLLBACK');
        return null;
      }
      const changed = UPDATABLE.filter((field) => patch[field] !== undefined && patch[field] !== before[field]);
      const { rows } = await client.query<Url>(
        `UPDATE urls SET title = COALESCE($2, title), is_active = COALESCE($3, is_active),
                original_url = COALESCE($4, original_url), updated_at = now()
         WHERE id = $1 RETURNING ${URL_COLUMNS}`,
        [id, patch.title ?? null, patch.is_active ?? null, patch.original_url ?? null],
      );
      if (changed.length > 0) {
        await client.query(
          `INSERT INTO events (url_id, user_id, event_type, details)
           SELECT $1, $2, 'updated', jsonb_build_object('field', t.field, 'new_value', t.new_value)
           FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS t(field, new_value, n) ORDER BY t.n`,
          [id, before.user_id, changed, changed.map((field) => asSeedString(patch[field]!))],
        );
      }
      await client.query('COMMIT');
      return { before, after: rows[0]! };
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /** Deletes a URL (its events go with it), if `ownerId` (when given) owns it; returns the deleted row's short code, or null. */
  async delete(id: number, ownerId?: number): Promise<string | null> {
    const { rows } = await this.pool.query<{ short_code: string }>(
      'DELETE FROM urls WHERE id = $1 AND ($2::int IS NULL OR user_id = $2) RETURNING short_code',
      [id, ownerId ?? null],
    );
    return rows[0]?.short_code ?? null;
  }
}
