import { createHash, randomBytes } from 'node:crypto';

/** A signed-in browser. The cookie holds its id; the store keeps only the id's hash. */
export interface Session {
  /** SHA-256 of the id (base64url): names the session (lists, revocation, logs) without being it. */
  readonly key: string;
  /**
   * Whom the session acts for: `token` (whoever opened the login link with TALKBOOK_TOKEN)
   * today; a user id once accounts exist.
   */
  readonly subject: string;
  readonly createdAtMs: number;
  /** Last request made with it (the idle clock). */
  readonly lastSeenAtMs: number;
}

/**
 * Server-side sessions: what the cookie refers to, so that a cookie is never a credential by
 * itself and every session can be ended at once. In memory today (a restart signs everyone out);
 * the store issue moves it to the database behind this same interface (async for that reason).
 */
export interface SessionStore {
  /** A session ends this long after sign-in (the cookie's Max-Age). */
  readonly maxAgeMs: number;
  /** A new session for `subject`. `id` is the cookie value: returned here only, never stored. */
  create(subject: string): Promise<{ id: string; session: Session }>;
  /** The live session with this id (and its idle clock restarted); undefined when unknown, expired or revoked. */
  find(id: string): Promise<Session | undefined>;
  revoke(id: string): Promise<void>;
  /** Ends every session of `subject` (a disabled user, a changed token); returns how many. */
  revokeSubject(subject: string): Promise<number>;
}

export interface SessionsOptions {
  /** A session unused this long ends. Default 24 hours. */
  idleMs?: number;
  /** A session ends this long after sign-in, used or not. Default 14 days. */
  maxAgeMs?: number;
  /** Live sessions kept at most; beyond it the least recently used ends. Default 1,000. */
  maxSessions?: number;
  /** The clock (tests move it). Default `Date.now`. */
  now?: () => number;
}

export const SESSION_IDLE_MS = 24 * 60 * 60 * 1000;
export const SESSION_MAX_AGE_MS = 14 * 24 * 60 * 60 * 1000;

/** 32 random bytes in base64url: what a session id looks like (anything else is not one). */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export function isSessionId(value: string | undefined): value is string {
  return value !== undefined && SESSION_ID.test(value);
}

function keyOf(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

/** The in-memory `SessionStore`, with idle and absolute expiry. */
export class Sessions implements SessionStore {
  readonly idleMs: number;
  readonly maxAgeMs: number;
  private readonly maxSessions: number;
  private readonly now: () => number;
  /** By key; a Map keeps insertion order, which `find` refreshes: the first entry is the least recently used. */
  private readonly live = new Map<string, Session>();

  constructor(options: SessionsOptions = {}) {
    this.idleMs = options.idleMs ?? SESSION_IDLE_MS;
    this.maxAgeMs = options.maxAgeMs ?? SESSION_MAX_AGE_MS;
    this.maxSessions = options.maxSessions ?? 1000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.live.size;
  }

  async create(subject: string): Promise<{ id: string; session: Session }> {
    this.prune();
    while (this.live.size >= this.maxSessions) this.live.delete(this.live.keys().next().value!);
    const id = randomBytes(32).toString('base64url');
    const now = this.now();
    const session: Session = { key: keyOf(id), subject, createdAtMs: now, lastSeenAtMs: now };
    this.live.set(session.key, session);
    return { id, session };
  }

  async find(id: string): Promise<Session | undefined> {
    if (!isSessionId(id)) return undefined;
    const key = keyOf(id);
    const session = this.live.get(key);
    if (!session) return undefined;
    const now = this.now();
    if (this.expired(session, now)) {
      this.live.delete(key);
      return undefined;
    }
    const seen: Session = { ...session, lastSeenAtMs: now };
    this.live.delete(key);
    this.live.set(key, seen);
    return seen;
  }

  async revoke(id: string): Promise<void> {
    if (isSessionId(id)) this.live.delete(keyOf(id));
  }

  async revokeSubject(subject: string): Promise<number> {
    let ended = 0;
    for (const [key, session] of this.live) {
      if (session.subject !== subject) continue;
      this.live.delete(key);
      ended += 1;
    }
    return ended;
  }

  private expired(session: Session, now: number): boolean {
    return now - session.lastSeenAtMs >= this.idleMs || now - session.createdAtMs >= this.maxAgeMs;
  }

  private prune(): void {
    const now = this.now();
    for (const [key, session] of this.live) if (this.expired(session, now)) this.live.delete(key);
  }
}
