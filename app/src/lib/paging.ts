import type { FastifyReply } from 'fastify';
import { DEFAULT_PER_PAGE, toPage, type Page } from '../repositories/sql.js';
import type { PageQuery } from '../schemas/common.js';
import { invalid } from './http-errors.js';

// Lists page by keyset (`cursor`, the id of the last row seen): every page costs an index
// range scan, however deep. OFFSET paging (`page`) stays for seed 002's clients, up to a
// bound: deeper offsets make PostgreSQL read and throw away every row before the page.

export function pageOf(query: PageQuery, offsetMax: number): Page {
  const perPage = query.per_page ?? DEFAULT_PER_PAGE;
  if (query.cursor !== undefined) {
    if (query.page !== undefined && query.page !== 1) throw invalid('query', 'page', 'Send either page or cursor, not both.');
    return toPage(1, perPage, query.cursor);
  }
  const page = toPage(query.page, perPage);
  if (page.offset > offsetMax) {
    throw invalid(
      'query',
      'page',
      `Offset ${page.offset} is beyond the ${offsetMax} rows that page can reach: page with the cursor parameter instead ` +
        '(cursor=<id of the last row you have>; the X-Next-Cursor header of each page gives it).',
    );
  }
  return page;
}

/** The id to send as `cursor` for the next page, when this page is full. */
export function nextCursor(rows: { id: number }[], page: Page): number | undefined {
  return rows.length === page.limit && rows.length > 0 ? rows[rows.length - 1]!.id : undefined;
}

export function setNextCursor(reply: FastifyReply, cursor: number | undefined): void {
  if (cursor !== undefined) reply.header('x-next-cursor', String(cursor));
}
