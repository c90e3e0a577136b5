import type { Pool } from 'pg';
import type { ListReads } from '../db/list-reads.js';
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
  /** `lists` runs the list queries, with their own statement timeout and connections. */
  constructor(
    private readonly pool: Pool,
    private readonly lists: ListReads,
  ) {}

  async list(filters: EventFilters, page: Page): Promise<Event[]> {
    const values: unknown[] = [];
    const clause = where(filters as Record<string, unknown>, values);
    return this.lists.rows<Event>(`SELECT ${EVENT_COLUMNS} FROM events ${pageClause(clause, page, values)}`, values);
  }

  /** 404 when the URL or the user does not exist; both are locked as foreign key checks would lock them (see migration 3). */
  async create(input: { url_id: number; user_id: number; event_type: string; details: Record<string, unknown> }): Promise<Event> {
    const { rows } = await this.pool.query<Event & { url_found: boolean; user_found: boolean }>(
      `WITH url AS (SELECT id FROM urls WHERE id = $1 FOR KEY SHARE),
            owner AS (SELECT id FROM users WHERE id = $2 FOR KEY SHARE),
            created AS (
              INSERT INTO events (url_id, user_id, event_type, details)
              SELECT url.id, owner.id, $3, $4 FROM url, owner
              RETURNING ${EVENT_COLUMNS}
            )
       SELECT created.*, EXISTS (SELECT 1 FROM url) AS url_found, EXISTS (SELECT 1 FROM owner) AS user_found
       FROM (SELECT 1) AS one LEFT JOIN created ON true`,
      [input.url_id, input.user_id, input.event_type, JSON.stringify(input.details)],
    );
    const { url_found, user_found, ...event } = rows[0]!;
    if (!url_found) throw notFound(`URL ${input.url_id} not found.`);
    if (!user_found) throw notFound(`User ${input.user_id} not found.`);
    return event;
  }
}
