import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ListEvents } from '../../../server/events/list-events.ts';
import { listEventRoutes } from '../../../server/http/list-event-routes.ts';
import { createLogger } from '../../../server/log.ts';
import { conversationListEvent, type ConversationListEvent } from '../../../server/protocol/index.ts';
import { SqliteStore } from '../../../server/store/index.ts';
import type { UserRow } from '../../../server/store/index.ts';

// The event stream's filter against a real SQLite store: only what the caller owns or has a
// share on, the audience of a deletion, nothing once disabled, and an end after its maximum age.

const log = createLogger('silent');
let dir: string;
let store: SqliteStore;
let events: ListEvents;

const user = (id: string): UserRow => ({ id, username: id, displayName: id, email: null, emailVerified: false, role: 'member', disabled: false, passwordHash: null, oidcIssuer: null, oidcSubject: null, createdAt: new Date().toISOString(), lastSeenAt: null });
const conversation = (id: string, ownerId: string) => store.createConversation({ id, title: id, kernel: 'python3', createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(), seq: 0, ownerId, cells: [] });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'talkbook-list-events-'));
  store = SqliteStore.open(join(dir, 'talkbook.db'));
  events = new ListEvents({ serverId: 'here', log });
  for (const id of ['ann', 'bob']) await store.accounts.createUser(user(id));
  await conversation('anns', 'ann');
  await conversation('bobs', 'bob');
  await conversation('bobs-shared', 'bob');
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** The stream as `userId` (the caller auth.ts would set), read until it ends. */
async function follow(userId: string, maxAgeMs: number, onReady: () => void | Promise<void>): Promise<ConversationListEvent[]> {
  const app = new Hono();
  app.use('*', async (c, next) => {
    c.set('caller', { via: 'token', user: (await store.accounts.userById(userId))! });
    await next();
  });
  app.route('/', listEventRoutes({ events, accounts: store.accounts, log, maxAgeMs, keepAliveMs: 50 }));
  const response = await app.request('/conversations/events');
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  expect(response.headers.get('x-accel-buffering')).toBe('no');
  const received: ConversationListEvent[] = [];
  const decoder = new TextDecoder();
  let text = '';
  let ready = false;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = text.indexOf('\n\n')) >= 0) {
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      if (block.startsWith('event: ready') && !ready) {
        ready = true;
        await onReady();
      }
      const data = /^event: conversation\ndata: (.*)$/m.exec(block)?.[1];
      if (data) received.push(conversationListEvent.parse(JSON.parse(data)));
    }
  }
  return received;
}

describe('GET /conversations/events', () => {
  it("sends a user only their conversations' changes, and ends after its maximum age", async () => {
    const received = await follow('ann', 400, async () => {
      events.emit({ kind: 'created', conversationId: 'bobs' });
      events.emit({ kind: 'created', conversationId: 'anns' });
      events.emit({ kind: 'deleted', conversationId: 'gone', audience: ['bob'] });
      events.emit({ kind: 'deleted', conversationId: 'gone-too', audience: ['ann', 'bob'] });
      // Who may see it is read when the change is sent: shared now, so sent.
      await store.accounts.putShare({ conversationId: 'bobs-shared', userId: 'ann', role: 'viewer', createdAt: new Date().toISOString() });
      events.emit({ kind: 'renamed', conversationId: 'bobs-shared' });
    });
    expect(received).toEqual([
      { kind: 'created', conversationId: 'anns' },
      { kind: 'deleted', conversationId: 'gone-too' },
      { kind: 'renamed', conversationId: 'bobs-shared' },
    ]);
    expect(events.listenerCount).toBe(0);
  });

  it('ends the stream of a user disabled meanwhile', async () => {
    const received = await follow('ann', 60_000, async () => {
      await store.accounts.updateUser('ann', { disabled: true });
      events.emit({ kind: 'created', conversationId: 'anns' });
    });
    expect(received).toEqual([]);
    expect(events.listenerCount).toBe(0);
  });
});
