import type { Pool } from 'pg';
import { DISPLAY_PREFIX_LENGTH, generateApiKey, hashApiKey } from '../auth/api-key.js';

export interface Caller {
  keyId: number;
  userId: number;
  isAdmin: boolean;
}

export interface ApiKey {
  id: number;
  user_id: number;
  name: string;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
}

const time = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') AS ${column}`;
const KEY_COLUMNS = `id, user_id, name, prefix, ${time('created_at')}, ${time('revoked_at')}`;

export class ApiKeysRepository {
  constructor(private readonly pool: Pool) {}

  /** The caller behind a key, or null when the key is unknown or revoked. */
  async authenticate(key: string): Promise<Caller | null> {
    const { rows } = await this.pool.query<{ key_id: number; user_id: number; is_admin: boolean }>({
      name: 'api-key-caller',
      text: `SELECT k.id AS key_id, k.user_id, u.is_admin FROM api_keys k JOIN users u ON u.id = k.user_id
             WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
      values: [hashApiKey(key)],
    });
    const row = rows[0];
    return row ? { keyId: row.key_id, userId: row.user_id, isAdmin: row.is_admin } : null;
  }

  /** Creates a key for a user; the key itself is returned once, only its hash is kept. Null when the user does not exist. */
  async create(userId: number, name: string): Promise<(ApiKey & { key: string }) | null> {
    const key = generateApiKey();
    const { rows } = await this.pool.query<ApiKey>(
      `INSERT INTO api_keys (user_id, name, key_hash, prefix) SELECT id, $2, $3, $4 FROM users WHERE id = $1 RETURNING ${KEY_COLUMNS}`,
      [userId, name, hashApiKey(key), key.slice(0, DISPLAY_PREFIX_LENGTH)],
    );
    return rows[0] ? { ...rows[0], key } : null;
  }

  async list(userId: number): Promise<ApiKey[]> {
    const { rows } = await this.pool.query<ApiKey>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE user_id = $1 ORDER BY id`, [userId]);
    return rows;
  }

  /** Revokes a key of a user; returns the hex of its hash (for the caches), or null when the user has no such key. Revoking twice keeps the first time. */
  async revoke(userId: number, keyId: number): Promise<string | null> {
    const { rows } = await this.pool.query<{ key_hash: Buffer }>(
      'UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 AND user_id = $2 RETURNING key_hash',
      [keyId, userId],
    );
    return rows[0] ? rows[0].key_hash.toString('hex') : null;
  }

  /** Hex of the hashes of every key of a user, for invalidating the caches when the user goes. */
  async hashesOf(userId: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ key_hash: Buffer }>('SELECT key_hash FROM api_keys WHERE user_id = $1', [userId]);
    return rows.map((row) => row.key_hash.toString('hex'));
  }

  async setAdmin(userId: number, isAdmin: boolean): Promise<boolean> {
    const { rowCount } = await this.pool.query('UPDATE users SET is_admin = $2 WHERE id = $1', [userId, isAdmin]);
    return (rowCount ?? 0) > 0;
  }
}
