import { expect } from 'vitest';
import type { TestApp } from './app.js';
import { json } from './app.js';
import type { Event } from '../../src/repositories/events.js';
import type { Url } from '../../src/repositories/urls.js';
import type { User } from '../../src/repositories/users.js';

// Small builders on top of the API, so tests read as the scenario they check.

// The API answers with the repositories' row shapes.
export type UserBody = User;
export type UrlBody = Url;
export type EventBody = Event;

let sequence = 0;

export async function createUser(t: TestApp, body: Partial<UserBody> = {}): Promise<UserBody> {
  sequence++;
  const response = await t.app.inject({
    method: 'POST',
    url: '/users',
    ...json({ username: `user${sequence}`, email: `user${sequence}.${process.hrtime.bigint()}@example.com`, ...body }),
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

export async function createUrl(t: TestApp, userId: number, body: Record<string, unknown> = {}): Promise<UrlBody> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/urls',
    ...json({ user_id: userId, original_url: `https://example.com/${++sequence}`, title: `page ${sequence}`, ...body }),
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

export async function eventsOf(t: TestApp, urlId: number, type?: string): Promise<EventBody[]> {
  const query = new URLSearchParams({ url_id: String(urlId), per_page: '100', ...(type ? { event_type: type } : {}) });
  const response = await t.app.inject({ method: 'GET', url: `/events?${query}` });
  expect(response.statusCode).toBe(200);
  return response.json();
}
