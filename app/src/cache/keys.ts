// Every cache key in one place, so a write's invalidation names exactly what reads store.

export const cacheKeys = {
  user: (id: number) => `user:${id}`,
  url: (id: number) => `url:${id}`,
  shortCode: (code: string) => `code:${code}`,
  /** An API key by the hex of its SHA-256: only ever held in process (local cache), never stored in Valkey. */
  apiKey: (hashHex: string) => `key:${hashHex}`,
};

/** List namespaces: a write bumps the namespace's generation, orphaning every cached page. */
export const cacheLists = {
  users: 'users',
  urls: 'urls',
};

/** A stable key for a list query: same parameters, same entry, whatever their order. */
export function listQueryKey(query: Record<string, unknown>): string {
  return Object.keys(query)
    .filter((name) => query[name] !== undefined)
    .sort()
    .map((name) => `${name}=${String(query[name])}`)
    .join('&');
}
