import type { Pool } from 'pg';
import { isForeignKeyViolation } from '../db/errors.js';
import { notFound } from '../lib/http-errors.js';
import { EVENT_COLUMNS, pageClause, where, type Page } from './sql.js';

export interface Event {
  id: number;
  url_id: number | null;
  user_id: number | null;
  event_type: string;
  timestamp: string;
  details: Record<string, unknown>;
}

export interface EventFilters {
  url_id?: number;
  user_id?: number;
  event_type?: string;
}

export class EventsRepository {
  /** `listPool` runs the list queries, with their own statement timeout and connections. */
  constructor(
    private readonly pool: Pool,
    private readonly listPool: Pool = pool,
  ) {}

  async list(filters: EventFilters, page: Page): Promise<Event[]> {
    const values: unknown[] = [];
    const clause = where(filters as Record<string, unknown>, values);
    const { rows } = await this.listPool.query<Event>(`SELECT ${EVENT_COLUMNS} FROM events ${pageClause(clause, page, values)}`, values);
    return rows;
  }

  /** 404 when the URL or the user does not exist (the foreign keys say which). */
  async create(input: { url_id: number; user_id: number; event_type: string; details: Record<string, unknown> }): Promise<Event> {
    try {
      const { rows } = await this.pool.query<Event>(
        `INSERT INTO events (url_id, user_id, event_type, details) VALUES ($1, $2, $3, $4) RETURNING ${EVENT_COLUMNS}`,
        [input.url_id, input.user_id, input.event_type, JSON.stringify(input.details)],
      );
      return rows[0]!;
    } catch (error) {
      if (isForeignKeyViolation(error, 'events_url_id_fkey')) throw notFound(`URL ${input.url_id} not found.`);
      if (isForeignKeyViolation(error, 'events_user_id_fkey')) throw notFound(`User ${input.user_id} not found.`);
      throw error;
    }
  }
}
