import type pg from 'pg';
import { SESSION_COLUMNS, toAccess, toApiToken, toAudit, toSession, toShare, toUser, TOKEN_COLUMNS, USER_COLUMNS, USER_FIELDS } from './account-rows.ts';
import { UsernameTakenError, type AccountStore, type ApiTokenRow, type AuditEntry, type NewUser, type SessionRow, type ShareRow, type UserChanges, type UserRow } from './accounts.ts';


const UNIQUE_VIOLATION = '23505';

/** The accounts tables on PostgreSQL (the same database as the conversations). */
export class PostgresAccounts implements AccountStore {
  private readonly pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  private async one<T>(sql: string, params: unknown[], map: (row: unknown) => T): Promise<T | undefined> {
    const row = (await this.pool.query(sql, params)).rows[0];
    return row ? map(row) : undefined;
  }

  private async count(sql: string, params: unknown[]): Promise<number> {
    return (await this.pool.query(sql, params)).rowCount ?? 0;
  }

  async countUsers(): Promise<number> {
    return Number((await this.pool.query('SELECT count(*) AS n FROM users')).rows[0].n);
  }

  async createUser(user: NewUser): Promise<void> {
    try {
      await this.pool.query(
        `INSERT INTO users (id, username, display_name, email, email_verified, role, disabled, password_hash, oidc_issuer, oidc_subject, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [user.id, user.username, user.displayName, user.email, user.emailVerified ?? false, user.role, user.disabled ?? false, user.passwordHash, user.oidcIssuer, user.oidcSubject, user.createdAt],
      );
    } catch (error) {
      if (user.username !== null && (error as { code?: string }).code === UNIQUE_VIOLATION) throw new UsernameTakenError(user.username);
      throw error;
    }
  }

  userById(id: string): Promise<UserRow | undefined> {
    return this.one(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`, [id], toUser);
  }

  userByUsername(username: string): Promise<UserRow | undefined> {
    return this.one(`SELECT ${USER_COLUMNS} FROM users u WHERE u.username = $1`, [username], toUser);
  }

  userByOidc(issuer: string, subject: string): Promise<UserRow | undefined> {
    return this.one(`SELECT ${USER_COLUMNS} FROM users u WHERE u.oidc_issuer = $1 AND u.oidc_subject = $2`, [issuer, subject], toUser);
  }

  async listUsers(): Promise<UserRow[]> {
    return (await this.pool.query(`SELECT ${USER_COLUMNS} FROM users u ORDER BY u.created_at, u.id`)).rows.map(toUser);
  }

  firstAdmin(): Promise<UserRow | undefined> {
    return this.one(`SELECT ${USER_COLUMNS} FROM users u WHERE u.role = 'admin' AND NOT u.disabled ORDER BY u.created_at, u.id LIMIT 1`, [], toUser);
  }

  async updateUser(id: string, changes: UserChanges): Promise<void> {
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined) as Array<[keyof UserChanges, unknown]>;
    if (!entries.length) return;
    const sets = entries.map(([field], index) => `${USER_FIELDS[field]} = $${index + 2}`).join(', ');
    try {
      await this.pool.query(`UPDATE users SET ${sets} WHERE id = $1`, [id, ...entries.map(([, value]) => value)]);
    } catch (error) {
      if (changes.username && (error as { code?: string }).code === UNIQUE_VIOLATION) throw new UsernameTakenError(changes.username);
      throw error;
    }
  }

  async touchUser(id: string, at: string): Promise<void> {
    await this.pool.query('UPDATE users SET last_seen_at = $1 WHERE id = $2', [at, id]);
  }

  async createSession(session: SessionRow): Promise<void> {
    await this.pool.query('INSERT INTO sessions (key, user_id, created_at_ms, last_seen_at_ms) VALUES ($1, $2, $3, $4)', [
      session.key,
      session.userId,
      session.createdAtMs,
      session.lastSeenAtMs,
    ]);
  }

  findSession(key: string): Promise<{ session: SessionRow; user: UserRow } | undefined> {
    return this.one(
      `SELECT ${SESSION_COLUMNS}, ${USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.key = $1 AND NOT u.disabled`,
      [key],
      (row) => ({ session: toSession(row), user: toUser(row) }),
    );
  }

  async touchSession(key: string, lastSeenAtMs: number): Promise<void> {
    await this.pool.query('UPDATE sessions SET last_seen_at_ms = $1 WHERE key = $2', [lastSeenAtMs, key]);
  }

  async deleteSession(key: string): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE key = $1', [key]);
  }

  deleteSessionsOf(userId: string): Promise<number> {
    return this.count('DELETE FROM sessions WHERE user_id = $1', [userId]);
  }

  async deleteExpiredSessions(idleBeforeMs: number, createdBeforeMs: number): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE last_seen_at_ms < $1 OR created_at_ms < $2', [idleBeforeMs, createdBeforeMs]);
  }

  async trimSessionsOf(userId: string, keep: number): Promise<void> {
    await this.pool.query(
      'DELETE FROM sessions WHERE user_id = $1 AND key NOT IN (SELECT key FROM sessions WHERE user_id = $1 ORDER BY last_seen_at_ms DESC, key LIMIT $2)',
      [userId, keep],
    );
  }

  async createSignInLink(link: { key: string; userId: string; expiresAtMs: number }): Promise<void> {
    await this.pool.query('INSERT INTO sign_in_links (key, user_id, expires_at_ms) VALUES ($1, $2, $3)', [link.key, link.userId, link.expiresAtMs]);
  }

  async consumeSignInLink(key: string, nowMs: number): Promise<string | undefined> {
    // DELETE … RETURNING: of two requests racing with one link, only one gets the row.
    const row = (await this.pool.query<{ user_id: string; expires_at_ms: string }>('DELETE FROM sign_in_links WHERE key = $1 RETURNING user_id, expires_at_ms', [key])).rows[0];
    await this.pool.query('DELETE FROM sign_in_links WHERE expires_at_ms <= $1', [nowMs]);
    return row && Number(row.expires_at_ms) > nowMs ? row.user_id : undefined;
  }

  async createApiToken(token: ApiTokenRow): Promise<void> {
    await this.pool.query('INSERT INTO api_tokens (id, user_id, name, hash, created_at) VALUES ($1, $2, $3, $4, $5)', [
      token.id,
      token.userId,
      token.name,
      token.hash,
      token.createdAt,
    ]);
  }

  async apiTokensOf(userId: string): Promise<ApiTokenRow[]> {
    return (await this.pool.query(`SELECT ${TOKEN_COLUMNS} FROM api_tokens t WHERE t.user_id = $1 ORDER BY t.created_at, t.id`, [userId])).rows.map(toApiToken);
  }

  findApiToken(hash: string): Promise<{ token: ApiTokenRow; user: UserRow } | undefined> {
    return this.one(
      `SELECT ${TOKEN_COLUMNS}, ${USER_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = $1 AND NOT u.disabled`,
      [hash],
      (row) => ({ token: toApiToken(row), user: toUser(row) }),
    );
  }

  async touchApiToken(id: string, at: string): Promise<void> {
    await this.pool.query('UPDATE api_tokens SET last_used_at = $1 WHERE id = $2', [at, id]);
  }

  async deleteApiToken(userId: string, id: string): Promise<boolean> {
    return (await this.count('DELETE FROM api_tokens WHERE id = $1 AND user_id = $2', [id, userId])) > 0;
  }

  conversationAccess(conversationId: string, userId: string) {
    return this.one(
      `SELECT c.owner_id, sh.role AS share_role, c.share_link_hash FROM conversations c
       LEFT JOIN shares sh ON sh.conversation_id = c.id AND sh.user_id = $1 WHERE c.id = $2`,
      [userId, conversationId],
      toAccess,
    );
  }

  async setOwner(conversationId: string, ownerId: string): Promise<void> {
    await this.pool.query('UPDATE conversations SET owner_id = $1 WHERE id = $2', [ownerId, conversationId]);
  }

  adoptOrphans(ownerId: string): Promise<number> {
    return this.count('UPDATE conversations SET owner_id = $1 WHERE owner_id IS NULL', [ownerId]);
  }

  async putShare(share: ShareRow): Promise<void> {
    await this.pool.query(
      `INSERT INTO shares (conversation_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (conversation_id, user_id) DO UPDATE SET role = excluded.role`,
      [share.conversationId, share.userId, share.role, share.createdAt],
    );
  }

  async deleteShare(conversationId: string, userId: string): Promise<boolean> {
    return (await this.count('DELETE FROM shares WHERE conversation_id = $1 AND user_id = $2', [conversationId, userId])) > 0;
  }

  async sharesOf(conversationId: string): Promise<ShareRow[]> {
    return (await this.pool.query('SELECT conversation_id, user_id, role, created_at FROM shares WHERE conversation_id = $1 ORDER BY created_at, user_id', [conversationId])).rows.map(toShare);
  }

  async setShareLink(conversationId: string, hash: string | null): Promise<void> {
    await this.pool.query('UPDATE conversations SET share_link_hash = $1 WHERE id = $2', [hash, conversationId]);
  }

  async conversationByLink(hash: string): Promise<string | undefined> {
    return this.one('SELECT id FROM conversations WHERE share_link_hash = $1', [hash], (row) => (row as { id: string }).id);
  }

  async audit(entry: AuditEntry): Promise<void> {
    await this.pool.query('INSERT INTO audit_log (at, actor_id, action, target, detail) VALUES ($1, $2, $3, $4, $5)', [entry.at, entry.actorId, entry.action, entry.target, entry.detail]);
  }

  async auditLog(limit: number): Promise<AuditEntry[]> {
    return (await this.pool.query('SELECT at, actor_id, action, target, detail FROM audit_log ORDER BY id DESC LIMIT $1', [limit])).rows.map(toAudit);
  }
}
