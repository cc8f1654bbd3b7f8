import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ListChange, ListEvents } from '../events/list-events.ts';
import type { Logger } from '../log.ts';
import { LIST_EVENT, LIST_EVENTS_READY, type ConversationListEvent } from '../protocol/index.ts';
import type { AccountStore } from '../store/index.ts';
import { accessOf } from './conversation-access.ts';

export interface ListEventRoutesOptions {
  events: ListEvents;
  accounts: AccountStore;
  log: Logger;
  /** A comment line this often keeps proxies from closing a quiet stream (default 20 s). */
  keepAliveMs?: number;
  /**
   * The stream ends after this long (default 10 minutes) and the browser opens it again, with its
   * credentials checked again: a signed-out session or a revoked token stops receiving by then.
   */
  maxAgeMs?: number;
}

/**
 * `GET /conversations/events`: the caller's conversation-list changes as Server-Sent Events
 * (`event: conversation`, data a `ConversationListEvent`), after one `event: ready` once the
 * stream listens. A change is sent only to whom it is for: its `audience`, else whoever may see
 * the conversation now (read from the store, so a change relayed from another server is
 * filtered the same way). Mounted before `/conversations/:id`, which would take `events` for an id.
 */
export function listEventRoutes({ events, accounts, log, keepAliveMs = 20_000, maxAgeMs = 10 * 60_000 }: ListEventRoutesOptions): Hono {
  const routes = new Hono();

  routes.get('/conversations/events', (c) => {
    const userId = c.get('caller').user.id;
    const isFor = async (change: ListChange) => (change.audience ? change.audience.includes(userId) : (await accessOf(accounts, userId, change.conversationId)) !== undefined);
    // nginx would otherwise buffer the stream (ingress-nginx and HAProxy do not buffer it).
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(
      c,
      async (stream) => {
        // In order, one at a time: a rename never overtakes the creation it follows.
        let sending = Promise.resolve();
        const unsubscribe = events.subscribe((change) => {
          sending = sending
            .then(async () => {
              if (stream.aborted || !(await isFor(change))) return;
              // A user disabled meanwhile hears nothing more (their sessions and tokens are gone already).
              const user = await accounts.userById(userId);
              if (!user || user.disabled) {
                stream.abort();
                return;
              }
              const event: ConversationListEvent = { kind: change.kind, conversationId: change.conversationId };
              await stream.writeSSE({ event: LIST_EVENT, data: JSON.stringify(event) });
            })
            .catch((error: unknown) => log.debug('a conversation-list event was not sent', error));
        });
        stream.onAbort(unsubscribe);
        try {
          await stream.writeSSE({ event: LIST_EVENTS_READY, data: '{}' });
          const endAt = Date.now() + maxAgeMs;
          while (!stream.aborted && Date.now() < endAt) {
            await stream.sleep(Math.min(keepAliveMs, Math.max(0, endAt - Date.now())));
            if (!stream.aborted) await stream.write(': keep-alive\n\n');
          }
        } finally {
          unsubscribe();
        }
      },
      async (error) => log.debug('a conversation-list event stream ended', error),
    );
  });

  return routes;
}
