import { afterAll, beforeAll, expect, it } from 'vitest';
import { PostgresStore, SqliteStore } from '../../server/store/index.ts';
import { LeaseLostError } from '../../server/store/leases.ts';
import type { ConversationChanges } from '../../server/store/store.ts';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.ts';

/** Two servers' stores on one PostgreSQL: leases taken only when free, writes fenced. */
let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  await postgres?.close();
});

const A = { id: 'server-a', url: 'http://a' };
const B = { id: 'server-b', url: 'http://b' };
const conversation = { id: 'c1', title: 'Leased', kernel: 'python3', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', seq: 0, ownerId: null, cells: [] };
const changes = (title: string, fence: number): ConversationChanges => ({ title, titleChanged: true, updatedAt: '2026-01-02T00:00:00.000Z', seq: 1, cells: [], removed: [], fence });

it('takes a lease only when free or expired, bumps the fence on every take and refuses the old holder\'s writes', async () => {
  const url = await postgres.database();
  const a = await PostgresStore.open({ url });
  const b = await PostgresStore.open({ url });
  try {
    await a.createConversation(conversation);
    const first = await a.leases.take('c1', A, 60_000);
    expect(first).toEqual({ held: true, fence: 1 });
    // Held and not expired: B is told who holds it, for how long.
    const refused = await b.leases.take('c1', B, 60_000);
    expect(refused).toMatchObject({ held: false, holder: A });
    expect(refused.held === false && refused.expiresInMs > 50_000).toBe(true);
    await a.applyChanges('c1', changes('by A', 1));

    // A stops renewing (paused): its 1 ms lease expires and B takes it, fence 2.
    expect(await a.leases.renew(A.id, new Map([['c1', 1]]), 1)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await b.leases.take('c1', B, 60_000)).toEqual({ held: true, fence: 2 });
    // A, back, can neither renew nor write, nor record a kernel.
    expect(await a.leases.renew(A.id, new Map([['c1', 1]]), 60_000)).toEqual(['c1']);
    await expect(a.applyChanges('c1', changes('by A, late', 1))).rejects.toBeInstanceOf(LeaseLostError);
    await expect(a.leases.recordKernel('c1', 1, { kernelId: 'k', kernelName: 'python3', clientId: 'x', runningMsgId: null })).rejects.toBeInstanceOf(LeaseLostError);
    await b.applyChanges('c1', changes('by B', 2));
    expect((await b.loadConversation('c1'))?.title).toBe('by B');

    // Released (a drain): free at once, for anyone.
    await b.leases.release('c1', 2);
    expect(await a.leases.take('c1', A, 60_000)).toEqual({ held: true, fence: 3 });
  } finally {
    await a.close();
    await b.close();
  }
});

it('SQLite is one server: every lease is held', async () => {
  const store = SqliteStore.open(':memory:');
  try {
    expect(store.leases.shared).toBe(false);
    expect(await store.leases.take('any', A, 1000)).toEqual({ held: true, fence: 0 });
  } finally {
    await store.close();
  }
});
