import { describe, expect, it } from 'vitest';
import { AccountsUnavailableError, outageTolerantAccounts } from '../../../server/accounts/outage-tolerant-accounts.ts';
import type { AccountStore, UserRow } from '../../../server/store/index.ts';

const user = (id: string): UserRow => ({ id, username: id, displayName: id, email: null, role: 'member', disabled: false, createdAt: '2026-01-01T00:00:00Z', lastSeenAt: null }) as unknown as UserRow;

/** A store whose session table is a Map, and which can be made to fail like a database that went away. */
function flakyStore() {
  const sessions = new Map<string, string>();
  const calls: string[] = [];
  let down = false;
  const fail = () => {
    if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
  };
  const store = {
    async findSession(key: string) {
      fail();
      const userId = sessions.get(key);
      return userId ? { session: { key, userId, createdAtMs: 0, lastSeenAtMs: 0 }, user: user(userId) } : undefined;
    },
    async touchSession() {
      fail();
      calls.push('touch');
    },
    async deleteSession(key: string) {
      fail();
      sessions.delete(key);
    },
    async deleteSessionsOf(userId: string) {
      fail();
      let n = 0;
      for (const [key, owner] of sessions) if (owner === userId && sessions.delete(key)) n++;
      return n;
    },
    async userById(id: string) {
      fail();
      return user(id);
    },
  };
  return { store: store as unknown as AccountStore, sessions, calls, setDown: (value: boolean) => (down = value) };
}

describe('outageTolerantAccounts', () => {
  it('reads the store every time while it answers, and falls back to the last answer only when it fails', async () => {
    const { store, sessions, setDown } = flakyStore();
    let clock = 0;
    const accounts = outageTolerantAccounts(store, { maxAgeMs: 1000, now: () => clock });
    sessions.set('k1', 'ada');
    expect((await accounts.findSession('k1'))?.user.id).toBe('ada');
    // A change in the store is seen at once while it answers: nothing is served from memory.
    sessions.set('k1', 'bob');
    expect((await accounts.findSession('k1'))?.user.id).toBe('bob');
    setDown(true);
    clock = 900;
    expect((await accounts.findSession('k1'))?.user.id).toBe('bob');
    // Too old to trust, or never seen: a 503 that says to retry, not a masked 500.
    clock = 1200;
    await expect(accounts.findSession('k1')).rejects.toBeInstanceOf(AccountsUnavailableError);
    const error = await accounts.findSession('k2').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AccountsUnavailableError);
    expect((error as AccountsUnavailableError).status).toBe(503);
    expect((error as AccountsUnavailableError).headers['Retry-After']).toBe('5');
  });

  it('forgets what this server revokes, and an unknown answer is never remembered', async () => {
    const { store, sessions, setDown } = flakyStore();
    const accounts = outageTolerantAccounts(store);
    sessions.set('k1', 'ada').set('k2', 'ada').set('k3', 'cy');
    for (const key of ['k1', 'k2', 'k3']) await accounts.findSession(key);
    expect(await accounts.findSession('gone')).toBeUndefined();
    await accounts.deleteSession('k1');
    await accounts.deleteSessionsOf('ada');
    setDown(true);
    await expect(accounts.findSession('k1')).rejects.toBeInstanceOf(AccountsUnavailableError);
    await expect(accounts.findSession('k2')).rejects.toBeInstanceOf(AccountsUnavailableError);
    await expect(accounts.findSession('gone')).rejects.toBeInstanceOf(AccountsUnavailableError);
    expect((await accounts.findSession('k3'))?.user.id).toBe('cy');
  });

  it('keeps bookkeeping writes best effort, and passes everything else through unchanged', async () => {
    const { store, calls, setDown } = flakyStore();
    const accounts = outageTolerantAccounts(store);
    await accounts.touchSession('k1', 1);
    expect(calls).toEqual(['touch']);
    setDown(true);
    await expect(accounts.touchSession('k1', 2)).resolves.toBeUndefined();
    await expect(accounts.userById('ada')).rejects.toThrow(/ECONNREFUSED/);
    setDown(false);
    expect((await accounts.userById('ada'))?.id).toBe('ada');
  });
});
