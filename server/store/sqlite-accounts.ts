import type Database from 'better-sqlite3';
import { SESSION_COLUMNS, toAccess, toApiToken, toAudit, toSession, toShare, toUser, TOKEN_COLUMNS, USER_COLUMNS, USER_FIELDS } from './account-rows.ts';
import { UsernameTakenError, type AccountStore, type ApiTokenRow, type AuditEntry, type NewUser, type SessionRow, type ShareRow, type UserChanges, type UserRow } from './accounts.ts';


/** The accounts tables on SQLite (the same database file as the conversations). */
export class SqliteAccounts implements AccountStore {
  private readonly db: Database.Database;
  private readonly s: ReturnType<typeof prepare>;

  constructor(db: Database.Database) {
    this.db = db;
    this.s = prepare(db);
  }

  async countUsers(): Promise<number> {
    return (this.s.countUsers.get() as { n: number }).n;
  }

  async createUser(user: NewUser): Promise<void> {
    try {
      this.s.insertUser.run({ ...user, disabled: user.disabled ? 1 : 0, emailVerified: user.emailVerified ? 1 : 0 });
    } catch (error) {
      if (user.username !== null && (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new UsernameTakenError(user.username);
      throw error;
    }
  }

  async userById(id: string): Promise<UserRow | undefined> {
    const row = this.s.userById.get(id);
    return row ? toUser(row) : undefined;
  }

  async userByUsername(username: string): Promise<UserRow | undefined> {
    const row = this.s.userByUsername.get(username);
    return row ? toUser(row) : undefined;
  }

  async userByOidc(issuer: string, subject: string): Promise<UserRow | undefined> {
    const row = this.s.userByOidc.get(issuer, subject);
    return row ? toUser(row) : undefined;
  }

  async listUsers(): Promise<UserRow[]> {
    return this.s.listUsers.all().map(toUser);
  }

  async firstAdmin(): Promise<UserRow | undefined> {
    const row = this.s.firstAdmin.get();
    return row ? toUser(row) : undefined;
  }

  async updateUser(id: string, changes: UserChanges): Promise<void> {
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined) as Array<[keyof UserChanges, unknown]>;
    if (!entries.length) return;
    const sets = entries.map(([field]) => `${USER_FIELDS[field]} = @${field}`).join(', ');
    const params = Object.fromEntries(entries.map(([field, value]) => [field, typeof value === 'boolean' ? (value ? 1 : 0) : value]));
    try {
      this.db.prepare(`UPDATE users SET ${sets} WHERE id = @id`).run({ ...params, id });
    } catch (error) {
      if (changes.username && (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new UsernameTakenError(changes.username);
      throw error;
    }
  }

  async touchUser(id: string, at: string): Promise<void> {
    this.s.touchUser.run(at, id);
  }

  async createSession(session: SessionRow): Promise<void> {
    this.s.insertSession.run(session);
  }

  async findSession(key: string): Promise<{ session: SessionRow; user: UserRow } | undefined> {
    const row = this.s.findSession.get(key);
    return row ? { session: toSession(row), user: toUser(row) } : undefined;
  }

  async touchSession(key: string, lastSeenAtMs: number): Promise<void> {
    this.s.touchSession.run(lastSeenAtMs, key);
  }

  async deleteSession(key: string): Promise<void> {
    this.s.deleteSession.run(key);
  }

  async deleteSessionsOf(userId: string): Promise<number> {
    return this.s.deleteSessionsOf.run(userId).changes;
  }

  async deleteExpiredSessions(idleBeforeMs: number, createdBeforeMs: number): Promise<void> {
    this.s.deleteExpired.run(idleBeforeMs, createdBeforeMs);
  }

  async trimSessionsOf(userId: string, keep: number): Promise<void> {
    this.s.trimSessions.run(userId, userId, keep);
  }

  async createSignInLink(link: { key: string; userId: string; expiresAtMs: number }): Promise<void> {
    this.s.insertLink.run(link);
  }

  async consumeSignInLink(key: string, nowMs: number): Promise<string | undefined> {
    return this.db.transaction(() => {
      const row = this.s.link.get(key) as { user_id: string; expires_at_ms: number } | undefined;
      if (!row) return undefined;
      this.s.deleteLink.run(key);
      this.s.deleteExpiredLinks.run(nowMs);
      return row.expires_at_ms > nowMs ? row.user_id : undefined;
    })();
  }

  async createApiToken(token: ApiTokenRow): Promise<void> {
    this.s.insertToken.run(token);
  }

  async apiTokensOf(userId: string): Promise<ApiTokenRow[]> {
    return this.s.tokensOf.all(userId).map(toApiToken);
  }

  async findApiToken(hash: string): Promise<{ token: ApiTokenRow; user: UserRow } | undefined> {
    const row = this.s.findToken.get(hash);
    return row ? { token: toApiToken(row), user: toUser(row) } : undefined;
  }

  async touchApiToken(id: string, at: string): Promise<void> {
    this.s.touchToken.run(at, id);
  }

  async deleteApiToken(userId: string, id: string): Promise<boolean> {
    return this.s.deleteToken.run(id, userId).changes > 0;
  }

  async conversationAccess(conversationId: string, userId: string) {
    const row = this.s.access.get(userId, conversationId);
    return row ? toAccess(row) : undefined;
  }

  async setOwner(conversationId: string, ownerId: string): Promise<void> {
    this.s.setOwner.run(ownerId, conversationId);
  }

  async adoptOrphans(ownerId: string): Promise<number> {
    return this.s.adoptOrphans.run(ownerId).changes;
  }

  async putShare(share: ShareRow): Promise<void> {
    this.s.putShare.run(share);
  }

  async deleteShare(conversationId: string, userId: string): Promise<boolean> {
    return this.s.deleteShare.run(conversationId, userId).changes > 0;
  }

  async sharesOf(conversationId: string): Promise<ShareRow[]> {
    return this.s.sharesOf.all(conversationId).map(toShare);
  }

  async setShareLink(conversationId: string, hash: string | null): Promise<void> {
    this.s.setLink.run(hash, conversationId);
  }

  async conversationByLink(hash: string): Promise<string | undefined> {
    return (this.s.byLink.get(hash) as { id: string } | undefined)?.id;
  }

  async audit(entry: AuditEntry): Promise<void> {
    this.s.insertAudit.run(entry);
  }

  async auditLog(limit: number): Promise<AuditEntry[]> {
    return this.s.auditLog.all(limit).map(toAudit);
  }
}

function prepare(db: Database.Database) {
  return {
    countUsers: db.prepare('SELECT count(*) AS n FROM users'),
    insertUser: db.prepare(
      `INSERT INTO users (id, username, display_name, email, email_verified, role, disabled, password_hash, oidc_issuer, oidc_subject, created_at)
       VALUES (@id, @username, @displayName, @email, @emailVerified, @role, @disabled, @passwordHash, @oidcIssuer, @oidcSubject, @createdAt)`,
    ),
    userById: db.prepare(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ?`),
    userByUsername: db.prepare(`SELECT ${USER_COLUMNS} FROM users u WHERE u.username = ?`),
    userByOidc: db.prepare(`SELECT ${USER_COLUMNS} FROM users u WHERE u.oidc_issuer = ? AND u.oidc_subject = ?`),
    listUsers: db.prepare(`SELECT ${USER_COLUMNS} FROM users u ORDER BY u.created_at, u.id`),
    firstAdmin: db.prepare(`SELECT ${USER_COLUMNS} FROM users u WHERE u.role = 'admin' AND u.disabled = 0 ORDER BY u.created_at, u.id LIMIT 1`),
    touchUser: db.prepare('UPDATE users SET last_seen_at = ? WHERE id = ?'),
    insertSession: db.prepare('INSERT INTO sessions (key, user_id, created_at_ms, last_seen_at_ms) VALUES (@key, @userId, @createdAtMs, @lastSeenAtMs)'),
    findSession: db.prepare(`SELECT ${SESSION_COLUMNS}, ${USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.key = ? AND u.disabled = 0`),
    touchSession: db.prepare('UPDATE sessions SET last_seen_at_ms = ? WHERE key = ?'),
    deleteSession: db.prepare('DELETE FROM sessions WHERE key = ?'),
    deleteSessionsOf: db.prepare('DELETE FROM sessions WHERE user_id = ?'),
    deleteExpired: db.prepare('DELETE FROM sessions WHERE last_seen_at_ms < ? OR created_at_ms < ?'),
    trimSessions: db.prepare(
      'DELETE FROM sessions WHERE user_id = ? AND key NOT IN (SELECT key FROM sessions WHERE user_id = ? ORDER BY last_seen_at_ms DESC, key LIMIT ?)',
    ),
    insertLink: db.prepare('INSERT INTO sign_in_links (key, user_id, expires_at_ms) VALUES (@key, @userId, @expiresAtMs)'),
    link: db.prepare('SELECT user_id, expires_at_ms FROM sign_in_links WHERE key = ?'),
    deleteLink: db.prepare('DELETE FROM sign_in_links WHERE key = ?'),
    deleteExpiredLinks: db.prepare('DELETE FROM sign_in_links WHERE expires_at_ms <= ?'),
    insertToken: db.prepare('INSERT INTO api_tokens (id, user_id, name, hash, created_at) VALUES (@id, @userId, @name, @hash, @createdAt)'),
    tokensOf: db.prepare(`SELECT ${TOKEN_COLUMNS} FROM api_tokens t WHERE t.user_id = ? ORDER BY t.created_at, t.id`),
    findToken: db.prepare(`SELECT ${TOKEN_COLUMNS}, ${USER_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ? AND u.disabled = 0`),
    touchToken: db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?'),
    deleteToken: db.prepare('DELETE FROM api_tokens WHERE id = ? AND user_id = ?'),
    access: db.prepare(
      `SELECT c.owner_id, sh.role AS share_role, c.share_link_hash FROM conversations c
       LEFT JOIN shares sh ON sh.conversation_id = c.id AND sh.user_id = ? WHERE c.id = ?`,
    ),
    setOwner: db.prepare('UPDATE conversations SET owner_id = ? WHERE id = ?'),
    adoptOrphans: db.prepare('UPDATE conversations SET owner_id = ? WHERE owner_id IS NULL'),
    putShare: db.prepare(
      `INSERT INTO shares (conversation_id, user_id, role, created_at) VALUES (@conversationId, @userId, @role, @createdAt)
       ON CONFLICT (conversation_id, user_id) DO UPDATE SET role = excluded.role`,
    ),
    deleteShare: db.prepare('DELETE FROM shares WHERE conversation_id = ? AND user_id = ?'),
    sharesOf: db.prepare('SELECT conversation_id, user_id, role, created_at FROM shares WHERE conversation_id = ? ORDER BY created_at, user_id'),
    setLink: db.prepare('UPDATE conversations SET share_link_hash = ? WHERE id = ?'),
    byLink: db.prepare('SELECT id FROM conversations WHERE share_link_hash = ?'),
    insertAudit: db.prepare('INSERT INTO audit_log (at, actor_id, action, target, detail) VALUES (@at, @actorId, @action, @target, @detail)'),
    auditLog: db.prepare('SELECT at, actor_id, action, target, detail FROM audit_log ORDER BY id DESC LIMIT ?'),
  };
}
