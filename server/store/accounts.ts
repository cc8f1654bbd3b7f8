import { PublicError } from '../errors.ts';

export type Role = 'admin' | 'member';
export type ShareRole = 'viewer' | 'editor';

/** A person who signs in. */
export interface UserRow {
  id: string;
  /** The local sign-in name (unique); null for a user who signs in only through OpenID Connect. */
  username: string | null;
  displayName: string;
  email: string | null;
  /** The OpenID provider vouched for `email` (its `email_verified` claim); false for local users. */
  emailVerified: boolean;
  role: Role;
  disabled: boolean;
  /** scrypt hash (server/accounts/passwords.ts), or null: no password sign-in. */
  passwordHash: string | null;
  /** OpenID Connect: the issuer and `sub` this user signs in as, if any. */
  oidcIssuer: string | null;
  oidcSubject: string | null;
  createdAt: string;
  lastSeenAt: string | null;
}

export type NewUser = Omit<UserRow, 'lastSeenAt' | 'disabled' | 'emailVerified'> & { disabled?: boolean; emailVerified?: boolean };
export type UserChanges = Partial<Pick<UserRow, 'displayName' | 'email' | 'emailVerified' | 'role' | 'disabled' | 'passwordHash' | 'username' | 'oidcIssuer' | 'oidcSubject'>>;

/** A signed-in browser, by the hash of its cookie value (the value itself is never stored). */
export interface SessionRow {
  key: string;
  userId: string;
  createdAtMs: number;
  lastSeenAtMs: number;
}

/** A per-user API token, by the hash of its value. */
export interface ApiTokenRow {
  id: string;
  userId: string;
  name: string;
  hash: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface ShareRow {
  conversationId: string;
  userId: string;
  role: ShareRole;
  createdAt: string;
}

/** What one user may do with one conversation: its owner, or a share's role. */
export interface ConversationAccessRow {
  ownerId: string | null;
  /** The caller's share, if any. */
  shareRole: ShareRole | null;
  /** Anyone holding the read-only link's hash may read. */
  linkHash: string | null;
}

export interface AuditEntry {
  at: string;
  actorId: string | null;
  action: string;
  target: string | null;
  detail: string | null;
}

/**
 * Users, their sessions, one-time sign-in links, API tokens, shares and the audit log: the
 * accounts side of the store, on both engines. Secrets are stored only as hashes.
 */
export interface AccountStore {
  countUsers(): Promise<number>;
  /** `UsernameTakenError` when the username is in use. */
  createUser(user: NewUser): Promise<void>;
  userById(id: string): Promise<UserRow | undefined>;
  userByUsername(username: string): Promise<UserRow | undefined>;
  userByOidc(issuer: string, subject: string): Promise<UserRow | undefined>;
  /** Every user, oldest first. */
  listUsers(): Promise<UserRow[]>;
  /** The oldest admin who is not disabled. */
  firstAdmin(): Promise<UserRow | undefined>;
  updateUser(id: string, changes: UserChanges): Promise<void>;
  touchUser(id: string, at: string): Promise<void>;

  createSession(session: SessionRow): Promise<void>;
  /** The session and its user (sessions of a disabled user are not found). */
  findSession(key: string): Promise<{ session: SessionRow; user: UserRow } | undefined>;
  touchSession(key: string, lastSeenAtMs: number): Promise<void>;
  deleteSession(key: string): Promise<void>;
  /** Ends every session of a user; returns how many. */
  deleteSessionsOf(userId: string): Promise<number>;
  /** Sessions idle since before `idleBefore`, or created before `createdBefore`. */
  deleteExpiredSessions(idleBeforeMs: number, createdBeforeMs: number): Promise<void>;
  /** Sessions beyond the `keep` most recently used of a user end (oldest first). */
  trimSessionsOf(userId: string, keep: number): Promise<void>;

  createSignInLink(link: { key: string; userId: string; expiresAtMs: number }): Promise<void>;
  /** The user a link signs in, if it is unexpired and unused; the link is used up either way. */
  consumeSignInLink(key: string, nowMs: number): Promise<string | undefined>;

  createApiToken(token: ApiTokenRow): Promise<void>;
  apiTokensOf(userId: string): Promise<ApiTokenRow[]>;
  /** The token with this hash and its user (a disabled user's tokens are not found). */
  findApiToken(hash: string): Promise<{ token: ApiTokenRow; user: UserRow } | undefined>;
  touchApiToken(id: string, at: string): Promise<void>;
  /** Returns whether the user had that token. */
  deleteApiToken(userId: string, id: string): Promise<boolean>;

  /** Who owns a conversation, `userId`'s share in it, its link; undefined when there is no such conversation. */
  conversationAccess(conversationId: string, userId: string): Promise<ConversationAccessRow | undefined>;
  setOwner(conversationId: string, ownerId: string): Promise<void>;
  /** Conversations from before accounts (no owner) go to `ownerId`; returns how many. */
  adoptOrphans(ownerId: string): Promise<number>;
  putShare(share: ShareRow): Promise<void>;
  /** Returns whether there was such a share. */
  deleteShare(conversationId: string, userId: string): Promise<boolean>;
  sharesOf(conversationId: string): Promise<ShareRow[]>;
  /** The read-only link's hash, or null to remove the link. */
  setShareLink(conversationId: string, hash: string | null): Promise<void>;
  conversationByLink(hash: string): Promise<string | undefined>;

  audit(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  auditLog(limit: number): Promise<AuditEntry[]>;
}

export class UsernameTakenError extends PublicError {
  override name = 'UsernameTakenError';
  constructor(username: string) {
    super(`The username "${username}" is taken.`, 409);
  }
}
