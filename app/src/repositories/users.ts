import type { Pool } from 'pg';
import { isForeignKeyViolation, isUniqueViolation } from '../db/errors.js';
import type { ListReads } from '../db/list-reads.js';
import { conflict } from '../lib/http-errors.js';
import { USER_COLUMNS, pageClause, type Page } from './sql.js';

export interface User {
  id: number;
  username: string;
  email: string;
  created_at: string;
}

const emailTaken = () => conflict('A user with this email already exists.');

export type DeleteUserResult = { deleted: true } | { deleted: false; urls: number } | null;

export class UsersRepository {
  /** `lists` runs the list queries, with their own statement timeout and connections. */
  constructor(
    private readonly pool: Pool,
    private readonly lists: ListReads,
  ) {}

  /** One page of users; `onlyId` limits the list to one user. */
  async list(page: Page, onlyId?: number): Promise<User[]> {
    const values: unknown[] = [];
    let clause = '';
    if (onlyId !== undefined) {
      values.push(onlyId);
      clause = 'WHERE id = $1';
    }
    return this.lists.rows<User>(`SELECT ${USER_COLUMNS} FROM users ${pageClause(clause, page, values)}`, values);
  }

  async findById(id: number): Promise<User | null> {
    const { rows } = await this.pool.query<User>({
      name: 'user-by-id',
      text: `SELECT ${USER_COLUMNS} FROM users WHERE id = $1`,
      values: [id],
    });
    return rows[0] ?? null;
  }

  async create(input: { username: string; email: string }): Promise<User> {
    try {
      const { rows } = await this.pool.query<User>(
        `INSERT INTO users (username, email) VALUES ($1, $2) RETURNING ${USER_COLUMNS}`,
        [input.username, input.email],
      );
      return rows[0]!;
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_key')) throw emailTaken();
      throw error;
    }
  }

  /** Partial update; null when the user does not exist. */
  async update(id: number, patch: { username?: string; email?: string }): Promise<User | null> {
    try {
      const { rows } = await this.pool.query<User>(
        `UPDATE users SET username = COALESCE($2, username), email = COALESCE($3, email)
         WHERE id = $1 RETURNING ${USER_COLUMNS}`,
        [id, patch.username ?? null, patch.email ?? null],
      );
      return rows[0] ?? null;
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_key')) throw emailTaken();
      throw error;
    }
  }

  /** Deletes a user who owns no URLs; otherwise reports how many they still own. */
  async delete(id: number): Promise<DeleteUserResult> {
    try {
      const { rows } = await this.pool.query<{ deleted: boolean; urls: number }>(
        `WITH target AS (SELECT id FROM users WHERE id = $1),
              owned AS (SELECT count(*)::int AS urls FROM urls WHERE user_id = $1),
              removed AS (
                DELETE FROM users WHERE id = $1 AND (SELECT urls FROM owned) = 0 RETURNING id
              )
         SELECT EXISTS (SELECT 1 FROM removed) AS deleted, (SELECT urls FROM owned) AS urls
         FROM target`,
        [id],
      );
      const row = rows[0];
      if (!row) return null;
      return row.deleted ? { deleted: true } : { deleted: false, urls: row.urls };
    } catch (error) {
      // a URL created for this user while the statement ran
      if (isForeignKeyViolation(error)) return { deleted: false, urls: 1 };
      throw error;
    }
  }
}
