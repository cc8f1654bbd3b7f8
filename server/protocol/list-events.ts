import { z } from 'zod';

/**
 * `GET /api/conversations/events` (Server-Sent Events): each `data:` is one of these, sent to a
 * user only for a conversation they own or have a share on (or, for `deleted` and `unshared`,
 * had). It says what changed, never what the conversation holds: the tab reads the list again.
 */
export const listEventKind = z.enum(['created', 'renamed', 'deleted', 'shared', 'unshared']);
export type ListEventKind = z.infer<typeof listEventKind>;

export const conversationListEvent = z.object({
  kind: listEventKind,
  conversationId: z.string().min(1).max(200),
});
export type ConversationListEvent = z.infer<typeof conversationListEvent>;

/** The SSE `event:` name of a list event (the stream also sends `ready` once it is subscribed). */
export const LIST_EVENT = 'conversation';
export const LIST_EVENTS_READY = 'ready';
