// The handlers' request types are derived from the route schemas (json-schema-to-ts), never written
// beside them: these assertions are checked by the type-check (`npm run app:typecheck`), and fail it
// when a schema stops saying what a handler reads.
import { describe, expectTypeOf, it } from 'vitest';
import type { IdParams, PageQuery } from '../src/schemas/common.js';
import type { CreateEventBody, ListEventsQuery } from '../src/schemas/events.js';
import type { CreateUrlBody, ListUrlsQuery, UpdateUrlBody } from '../src/schemas/urls.js';
import type { CreateUserBody, UpdateUserBody } from '../src/schemas/users.js';

describe('the request types derived from the route schemas', () => {
  it('give bodies their required and optional fields, ids as numbers', () => {
    expectTypeOf<CreateUrlBody>().toEqualTypeOf<{ user_id?: number; original_url: string; title?: string }>();
    expectTypeOf<UpdateUrlBody>().toEqualTypeOf<{ original_url?: string; title?: string; is_active?: boolean }>();
    expectTypeOf<CreateUserBody>().toEqualTypeOf<{ username: string; email: string }>();
    expectTypeOf<UpdateUserBody>().toEqualTypeOf<{ username?: string; email?: string }>();
    expectTypeOf<CreateEventBody>().toMatchTypeOf<{ url_id: number; user_id: number; event_type: string; details: object }>();
  });

  it('give query integers as the numbers our rule hands the handler, and paths as text', () => {
    expectTypeOf<PageQuery>().toEqualTypeOf<{ page?: number; per_page?: number; cursor?: number }>();
    expectTypeOf<ListUrlsQuery>().toEqualTypeOf<{ user_id?: number; is_active?: 'true' | 'false' | 'True' | 'False' | '1' | '0'; page?: number; per_page?: number; cursor?: number }>();
    expectTypeOf<ListEventsQuery['url_id']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<IdParams>().toMatchTypeOf<{ id: string }>();
  });
});
