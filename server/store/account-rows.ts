import { z } from 'zod';
import type { ApiTokenRow, AuditEntry, ConversationAccessRow, SessionRow, ShareRow, UserChanges, UserRow } from './accounts.ts';

/** Rows of the accounts tables as either engine returns them (SQLite: 0/1 and numbers; PostgreSQL: booleans and BIGINT strings). */
const flag = z.union([z.boolean(), z.number()]).transform((value) => Boolean(value));
const ms = z.coerce.number().int();
const role = z.enum(['admin', 'member']);
const shareRole = z.enum(['viewer', 'editor']);

const userRow = z.object({
  id: z.string(),
  username: z.string().nullable(),
  display_name: z.string(),
  email: z.string().nullable(),
  email_verified: flag,
  role,
  disabled: flag,
  password_hash: z.string().nullable(),
  oidc_issuer: z.string().nullable(),
  oidc_subject: z.string().nullable(),
  created_at: z.string(),
  last_seen_at: z.string().nullable(),
});

export const USER_COLUMNS = 'u.id, u.username, u.display_name, u.email, u.email_verified, u.role, u.disabled, u.password_hash, u.oidc_issuer, u.oidc_subject, u.created_at, u.last_seen_at';

export function toUser(row: unknown): UserRow {
  const r = userRow.parse(row);
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    email: r.email,
    emailVerified: r.email_verified,
    role: r.role,
    disabled: r.disabled,
    passwordHash: r.password_hash,
    oidcIssuer: r.oidc_issuer,
    oidcSubject: r.oidc_subject,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
  };
}

const sessionRow = z.object({ s_key: z.string(), s_user_id: z.string(), s_created_at_ms: ms, s_last_seen_at_ms: ms });
export const SESSION_COLUMNS = 's.key AS s_key, s.user_id AS s_user_id, s.created_at_ms AS s_created_at_ms, s.last_seen_at_ms AS s_last_seen_at_ms';

export function toSession(row: unknown): SessionRow {
  const r = sessionRow.parse(row);
  return { key: r.s_key, userId: r.s_user_id, createdAtMs: r.s_created_at_ms, lastSeenAtMs: r.s_last_seen_at_ms };
}

const tokenRow = z.object({ t_id: z.string(), t_user_id: z.string(), t_name: z.string(), t_hash: z.string(), t_created_at: z.string(), t_last_used_at: z.string().nullable() });
export const TOKEN_COLUMNS = 't.id AS t_id, t.user_id AS t_user_id, t.name AS t_name, t.hash AS t_hash, t.created_at AS t_created_at, t.last_used_at AS t_last_used_at';

export function toApiToken(row: unknown): ApiTokenRow {
  const r = tokenRow.parse(row);
  return { id: r.t_id, userId: r.t_user_id, name: r.t_name, hash: r.t_hash, createdAt: r.t_created_at, lastUsedAt: r.t_last_used_at };
}

const shareRow = z.object({ conversation_id: z.string(), user_id: z.string(), role: shareRole, created_at: z.string() });

export function toShare(row: unknown): ShareRow {
  const r = shareRow.parse(row);
  return { conversationId: r.conversation_id, userId: r.user_id, role: r.role, createdAt: r.created_at };
}

const accessRow = z.object({ owner_id: z.string().nullable(), share_role: shareRole.nullable(), share_link_hash: z.string().nullable() });

export function toAccess(row: unknown): ConversationAccessRow {
  const r = accessRow.parse(row);
  return { ownerId: r.owner_id, shareRole: r.share_role, linkHash: r.share_link_hash };
}

const auditRow = z.object({ at: z.string(), actor_id: z.string().nullable(), action: z.string(), target: z.string().nullable(), detail: z.string().nullable() });

export function toAudit(row: unknown): AuditEntry {
  const r = auditRow.parse(row);
  return { at: r.at, actorId: r.actor_id, action: r.action, target: r.target, detail: r.detail };
}

/** The column of each changeable user field (both engines' `updateUser`). */
export const USER_FIELDS: Record<keyof UserChanges, string> = {
  displayName: 'display_name',
  email: 'email',
  emailVerified: 'email_verified',
  role: 'role',
  disabled: 'disabled',
  passwordHash: 'password_hash',
  username: 'username',
  oidcIssuer: 'oidc_issuer',
  oidcSubject: 'oidc_subject',
};
