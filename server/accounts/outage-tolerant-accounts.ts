import { PublicError } from '../errors.ts';
import type { AccountStore } from '../store/index.ts';

/** The database did not answer a sign-in lookup, and this server knew nothing to fall back on. */
export class AccountsUnavailableError extends PublicError {
  override name = 'AccountsUnavailableError';
  constructor(cause: unknown) {
    super('The database is not answering, so Talkbook cannot check who you are right now. Try again in a moment.', 503, {
      cause,
      headers: { 'Retry-After': '5' },
    });
  }
}

export interface OutageTolerance {
  /** How old a last-known answer may be and still be used while the database fails. Default 10 minutes. */
  maxAgeMs?: number;
  /** Answers remembered at most (the oldest are forgotten first). Default 10,000. */
  maxEntries?: number;
  now?: () => number;
}

interface Remembered {
  value: unknown;
  at: number;
  /** The users and conversations the answer is about: a change to one forgets it. */
  tags: string[];
}

/**
 * The account store as the edge uses it on every request, kept usable while the database is
 * down: each lookup still goes to the store, and only when the store throws is the last answer
 * this server got for the same question (within `maxAgeMs`) used instead, so people already
 * signed in keep working in their open conversations (whose changes are retried) instead of
 * being signed out by an outage. With nothing to fall back on, a 503 with `Retry-After`.
 * Revocations made on this server forget what they revoke at once; a revocation made on another
 * server during an outage takes effect when the database answers again (or after `maxAgeMs`).
 * Bookkeeping writes (last seen) are best effort.
 */
export function outageTolerantAccounts(store: AccountStore, options: OutageTolerance = {}): AccountStore {
  const maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const known = new Map<string, Remembered>();

  const read = async <T>(key: string, fetch: () => Promise<T>, tags: (value: T) => string[]): Promise<T> => {
    let value: T;
    try {
      value = await fetch();
    } catch (error) {
      const last = known.get(key);
      if (last && now() - last.at < maxAgeMs) return last.value as T;
      throw new AccountsUnavailableError(error);
    }
    known.delete(key);
    if (value !== undefined) {
      known.set(key, { value, at: now(), tags: tags(value) });
      if (known.size > maxEntries) known.delete(known.keys().next().value!);
    }
    return value;
  };
  const forget = (tag: string) => {
    for (const [key, entry] of known) if (key === tag || entry.tags.includes(tag)) known.delete(key);
  };
  const bestEffort = async (write: Promise<void>) => {
    await write.catch(() => undefined);
  };

  const overrides: Partial<AccountStore> = {
    findSession: (key) => read(`session:${key}`, () => store.findSession(key), (found) => (found ? [`user:${found.user.id}`] : [])),
    findApiToken: (hash) => read(`token:${hash}`, () => store.findApiToken(hash), (found) => (found ? [`user:${found.user.id}`] : [])),
    firstAdmin: () => read('first-admin', () => store.firstAdmin(), (user) => (user ? [`user:${user.id}`] : [])),
    conversationAccess: (conversationId, userId) =>
      read(`access:${conversationId}:${userId}`, () => store.conversationAccess(conversationId, userId), () => [`user:${userId}`, `conversation:${conversationId}`]),
    touchSession: (key, at) => bestEffort(store.touchSession(key, at)),
    touchUser: (id, at) => bestEffort(store.touchUser(id, at)),
    touchApiToken: (id, at) => bestEffort(store.touchApiToken(id, at)),
    deleteSession: (key) => {
      forget(`session:${key}`);
      return store.deleteSession(key);
    },
    deleteSessionsOf: (userId) => {
      forget(`user:${userId}`);
      return store.deleteSessionsOf(userId);
    },
    deleteApiToken: (userId, id) => {
      forget(`user:${userId}`);
      return store.deleteApiToken(userId, id);
    },
    updateUser: (id, changes) => {
      forget(`user:${id}`);
      forget('first-admin');
      return store.updateUser(id, changes);
    },
    setOwner: (conversationId, ownerId) => {
      forget(`conversation:${conversationId}`);
      return store.setOwner(conversationId, ownerId);
    },
    putShare: (share) => {
      forget(`conversation:${share.conversationId}`);
      return store.putShare(share);
    },
    deleteShare: (conversationId, userId) => {
      forget(`conversation:${conversationId}`);
      return store.deleteShare(conversationId, userId);
    },
  };

  return new Proxy(store, {
    get(target, property, receiver) {
      if (typeof property === 'string' && property in overrides) return overrides[property as keyof AccountStore];
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
