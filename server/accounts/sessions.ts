import { createHash } from 'node:crypto';
import type { AccountStore, UserRow } from '../store/index.ts';
import { hashSecret, isSecret, newSecret } from './secrets.ts';

/** A signed-in browser. The cookie holds its id; the store keeps only the id's hash (`key`). */
export interface Session {
  /** SHA-256 of the id (base64url): names the session (lists, revocation, logs) without being it. */
  readonly key: string;
  readonly userId: string;
  readonly createdAtMs: number;
  /** Last request made with it (the idle clock, kept to within `touchEveryMs`). */
  readonly lastSeenAtMs: number;
}

export interface SignedIn {
  session: Session;
  user: UserRow;
}

export interface SessionsOptions {
  /** A session unused this long ends. Default 24 hours. */
  idleMs?: number;
  /** A session ends this long after sign-in, used or not. Default 14 days. */
  maxAgeMs?: number;
  /** Live sessions kept per user at most; beyond it the least recently used ends. Default 50. */
  maxPerUser?: number;
  /** The idle clock is written at most this often per session. Default 1 minute. */
  touchEveryMs?: number;
  /** The clock (tests move it). Default `Date.now`. */
  now?: () => number;
}

export const SESSION_IDLE_MS = 24 * 60 * 60 * 1000;
export const SESSION_MAX_AGE_MS = 14 * 24 * 60 * 60 * 1000;

/** Whether a cookie value can be a session id at all (anything else is no session). */
export const isSessionId = isSecret;

/**
 * Server-side sessions, in the store: what the cookie refers to, so a cookie is never a
 * credential by itself, a restart keeps everyone signed in, and sign-out or disabling a user
 * ends a session at once (every request reads it, with its user, from the store).
 */
export class Sessions {
  readonly idleMs: number;
  readonly maxAgeMs: number;
  private readonly maxPerUser: number;
  private readonly touchEveryMs: number;
  private readonly now: () => number;
  private readonly store: AccountStore;

  constructor(store: AccountStore, options: SessionsOptions = {}) {
    this.store = store;
    this.idleMs = options.idleMs ?? SESSION_IDLE_MS;
    this.maxAgeMs = options.maxAgeMs ?? SESSION_MAX_AGE_MS;
    this.maxPerUser = options.maxPerUser ?? 50;
    this.touchEveryMs = options.touchEveryMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** A new session for a user. `id` is the cookie value: returned here only, never stored. */
  async create(userId: string): Promise<{ id: string; session: Session }> {
    const now = this.now();
    await this.store.deleteExpiredSessions(now - this.idleMs, now - this.maxAgeMs);
    const id = newSecret();
    const session: Session = { key: hashSecret(id), userId, createdAtMs: now, lastSeenAtMs: now };
    await this.store.createSession(session);
    await this.store.trimSessionsOf(userId, this.maxPerUser);
    return { id, session };
  }

  /** The live session with this id and its user; undefined when unknown, expired, revoked, or its user is disabled. */
  async find(id: string | undefined): Promise<SignedIn | undefined> {
    if (!isSessionId(id)) return undefined;
    const key = hashSecret(id);
    const found = await this.store.findSession(key);
    if (!found) return undefined;
    const now = this.now();
    const { session } = found;
    if (now - session.lastSeenAtMs >= this.idleMs || now - session.createdAtMs >= this.maxAgeMs) {
      await this.store.deleteSession(key);
      return undefined;
    }
    if (now - session.lastSeenAtMs >= this.touchEveryMs) {
      await this.store.touchSession(key, now);
      await this.store.touchUser(session.userId, new Date(now).toISOString());
    }
    return { session: { ...session, lastSeenAtMs: now }, user: found.user };
  }

  async revoke(id: string | undefined): Promise<void> {
    if (isSessionId(id)) await this.store.deleteSession(hashSecret(id));
  }

  /** Ends every session of a user (disabled, signed out everywhere); returns how many. */
  revokeUser(userId: string): Promise<number> {
    return this.store.deleteSessionsOf(userId);
  }
}

/**
 * The CSRF token of a session: derived from its id (so it needs no storage and changes with
 * every sign-in), never the id itself. The page sends it as `X-CSRF-Token`.
 */
export function csrfTokenOf(sessionId: string): string {
  return createHash('sha256').update(`talkbook csrf\0${sessionId}`).digest('base64url');
}
