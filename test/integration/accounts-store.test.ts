import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAccounts, createSignInLink, redeemSignInLink, Sessions, isSessionId } from '../../server/accounts/index.ts';
import { createLogger } from '../../server/log.ts';
import { PostgresStore, SqliteStore, UsernameTakenError, type ConversationStore, type NewUser } from '../../server/store/index.ts';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.ts';

/** Users, sessions, sign-in links, tokens and shares: the same suite on SQLite and on a real PostgreSQL. */
let postgres: TestPostgres;
let scratch: string;
beforeAll(async () => {
  postgres = await startTestPostgres();
  scratch = await mkdtemp(join(tmpdir(), 'talkbook-accounts-'));
});
afterAll(async () => {
  await postgres?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const HOUR = 60 * 60 * 1000;
const log = createLogger('silent');
let counter = 0;
const id = () => `u${++counter}`;

function user(extra: Partial<NewUser> = {}): NewUser {
  const userId = id();
  return { id: userId, username: userId, displayName: `User ${userId}`, email: null, role: 'member', passwordHash: null, oidcIssuer: null, oidcSubject: null, createdAt: new Date(Date.UTC(2026, 0, 1) + counter).toISOString(), ...extra };
}

const engines: Array<[string, () => Promise<ConversationStore>]> = [
  ['SQLite', async () => SqliteStore.open(join(scratch, `${id()}.db`))],
  ['PostgreSQL', async () => PostgresStore.open({ url: await postgres.database() })],
];

describe.each(engines)('accounts in the store on %s', (_engine, open) => {
  let store: ConversationStore;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('first start: creates one admin, gives it a one-time link, and adopts conversations from before accounts', async () => {
    const at = new Date().toISOString();
    await store.createConversation({ id: 'old-1', title: 'Before accounts', kernel: 'python3', createdAt: at, updatedAt: at, seq: 0, ownerId: null, cells: [] });
    const first = await bootstrapAccounts(store.accounts, log);
    expect(first.admin).toMatchObject({ username: 'admin', role: 'admin', disabled: false, passwordHash: null });
    expect(first.signInCode).toBeDefined();
    expect((await store.loadConversation('old-1'))?.ownerId).toBe(first.admin.id);
    // A second start keeps that admin (and, while it has no password, makes a new link).
    const second = await bootstrapAccounts(store.accounts, log);
    expect(second.admin.id).toBe(first.admin.id);
    expect(await store.accounts.countUsers()).toBe(1);
    await store.accounts.updateUser(first.admin.id, { passwordHash: 'scrypt$x' });
    expect((await bootstrapAccounts(store.accounts, log)).signInCode).toBeUndefined();
  });

  it('a sign-in link works once and only once, and not after it expired', async () => {
    const u = user();
    await store.accounts.createUser(u);
    const code = await createSignInLink(store.accounts, u.id);
    expect(await redeemSignInLink(store.accounts, code)).toBe(u.id);
    expect(await redeemSignInLink(store.accounts, code)).toBeUndefined();
    const old = await createSignInLink(store.accounts, u.id, { now: Date.now() - 16 * 60 * 1000 });
    expect(await redeemSignInLink(store.accounts, old)).toBeUndefined();
    expect(await redeemSignInLink(store.accounts, 'not-a-code')).toBeUndefined();
    // Two redemptions at once: exactly one signs in.
    const raced = await createSignInLink(store.accounts, u.id);
    const results = await Promise.all([redeemSignInLink(store.accounts, raced), redeemSignInLink(store.accounts, raced)]);
    expect(results.filter(Boolean)).toEqual([u.id]);
  });

  it('users: unique usernames, changes, disabled users have no sessions or tokens', async () => {
    const u = user({ email: 'a@example.com' });
    await store.accounts.createUser(u);
    await expect(store.accounts.createUser({ ...user(), username: u.username })).rejects.toBeInstanceOf(UsernameTakenError);
    await store.accounts.updateUser(u.id, { role: 'admin', displayName: 'Ada' });
    expect(await store.accounts.userByUsername(u.username!)).toMatchObject({ id: u.id, role: 'admin', displayName: 'Ada', email: 'a@example.com', disabled: false });
    await store.accounts.createApiToken({ id: `t-${u.id}`, userId: u.id, name: 'ci', hash: `hash-${u.id}`, createdAt: new Date().toISOString(), lastUsedAt: null });
    expect((await store.accounts.findApiToken(`hash-${u.id}`))?.user.id).toBe(u.id);
    const sessions = new Sessions(store.accounts);
    const { id: sessionId } = await sessions.create(u.id);
    expect((await sessions.find(sessionId))?.user.id).toBe(u.id);
    await store.accounts.updateUser(u.id, { disabled: true });
    expect(await sessions.find(sessionId)).toBeUndefined();
    expect(await store.accounts.findApiToken(`hash-${u.id}`)).toBeUndefined();
    expect(await store.accounts.deleteApiToken('someone-else', `t-${u.id}`)).toBe(false);
    expect(await store.accounts.deleteApiToken(u.id, `t-${u.id}`)).toBe(true);
  });

  describe('sessions', () => {
    function clocked(options: { idleMs?: number; maxAgeMs?: number; maxPerUser?: number } = {}) {
      let now = Date.now();
      const sessions = new Sessions(store.accounts, { ...options, touchEveryMs: 0, now: () => now });
      return { sessions, advance: (ms: number) => (now += ms) };
    }
    let owner: string;
    beforeAll(async () => {
      const u = user();
      await store.accounts.createUser(u);
      owner = u.id;
    });

    it('issues random 256-bit ids and keeps only their hash', async () => {
      const { sessions } = clocked();
      const a = await sessions.create(owner);
      const b = await sessions.create(owner);
      expect(isSessionId(a.id)).toBe(true);
      expect(a.id).not.toBe(b.id);
      expect(a.session.key).not.toBe(a.id);
      expect(JSON.stringify(a.session)).not.toContain(a.id);
      expect((await sessions.find(a.id))?.session.userId).toBe(owner);
      expect(await sessions.find(a.session.key)).toBeUndefined();
    });

    it('survives a new Sessions over the same store (a server restart)', async () => {
      const { id: sessionId } = await clocked().sessions.create(owner);
      expect((await new Sessions(store.accounts).find(sessionId))?.user.id).toBe(owner);
    });

    it('ends a session after the idle time, and each use restarts that clock', async () => {
      const { sessions, advance } = clocked({ idleMs: 2 * HOUR });
      const { id: sessionId } = await sessions.create(owner);
      advance(HOUR + HOUR / 2);
      expect(await sessions.find(sessionId)).toBeDefined();
      advance(HOUR + HOUR / 2);
      expect(await sessions.find(sessionId)).toBeDefined();
      advance(2 * HOUR);
      expect(await sessions.find(sessionId)).toBeUndefined();
    });

    it('ends a session at its absolute expiry however busy it is', async () => {
      const { sessions, advance } = clocked({ idleMs: 2 * HOUR, maxAgeMs: 5 * HOUR });
      const { id: sessionId } = await sessions.create(owner);
      for (let hour = 1; hour < 5; hour++) {
        advance(HOUR);
        expect(await sessions.find(sessionId)).toBeDefined();
      }
      advance(HOUR);
      expect(await sessions.find(sessionId)).toBeUndefined();
    });

    it('revokes one session, or every session of a user', async () => {
      const other = user();
      await store.accounts.createUser(other);
      const { sessions } = clocked();
      const a = await sessions.create(owner);
      const b = await sessions.create(other.id);
      const c = await sessions.create(other.id);
      await sessions.revoke(a.id);
      expect(await sessions.find(a.id)).toBeUndefined();
      expect(await sessions.revokeUser(other.id)).toBe(2);
      expect(await sessions.find(b.id)).toBeUndefined();
      expect(await sessions.find(c.id)).toBeUndefined();
    });

    it('keeps at most maxPerUser sessions of a user, ending the least recently used', async () => {
      const u = user();
      await store.accounts.createUser(u);
      const { sessions, advance } = clocked({ maxPerUser: 2 });
      const first = await sessions.create(u.id);
      advance(1);
      const second = await sessions.create(u.id);
      advance(1);
      await sessions.find(first.id);
      advance(1);
      const third = await sessions.create(u.id);
      expect(await sessions.find(second.id)).toBeUndefined();
      expect(await sessions.find(first.id)).toBeDefined();
      expect(await sessions.find(third.id)).toBeDefined();
    });

    it('treats anything that is not a session id as no session', async () => {
      const { sessions } = clocked();
      for (const value of ['', 'x', '%E0%A4%A', 'a'.repeat(44), 'test-token-0123456789', undefined]) {
        expect(await sessions.find(value)).toBeUndefined();
      }
    });
  });
});
