import { conversationListEvent, LIST_EVENT, LIST_EVENTS_READY, type ConversationListEvent } from '../protocol.ts';

export interface ListEventHandlers {
  onEvent: (event: ConversationListEvent) => void;
  /** The stream listens (again): changes made while it did not were missed, so read the list. */
  onReady: () => void;
  /** The stream is down until it reconnects by itself. */
  onDown: () => void;
}

/** Waits before opening a stream the browser gave up on (an HTTP error): from this, doubling up to a minute. */
const RETRY_MS = 2000;
const MAX_RETRY_MS = 60_000;

/**
 * Follows `GET /api/conversations/events` (Server-Sent Events, the session cookie goes along).
 * The browser reconnects a dropped stream by itself; one it closed (an error answer) is opened
 * again with backoff. Returns how to stop.
 */
export function followListEvents(handlers: ListEventHandlers): () => void {
  let source: EventSource | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let stopped = false;

  const open = () => {
    if (stopped) return;
    const opened = new EventSource('/api/conversations/events');
    source = opened;
    opened.addEventListener(LIST_EVENTS_READY, () => {
      failures = 0;
      handlers.onReady();
    });
    opened.addEventListener(LIST_EVENT, (message) => {
      let json: unknown;
      try {
        json = JSON.parse((message as MessageEvent<string>).data);
      } catch {
        return;
      }
      const parsed = conversationListEvent.safeParse(json);
      if (parsed.success) handlers.onEvent(parsed.data);
    });
    opened.addEventListener('error', () => {
      handlers.onDown();
      if (opened.readyState !== EventSource.CLOSED || stopped) return;
      failures += 1;
      retryTimer = setTimeout(open, Math.min(MAX_RETRY_MS, RETRY_MS * 2 ** (failures - 1)));
    });
  };
  open();
  return () => {
    stopped = true;
    clearTimeout(retryTimer);
    source?.close();
  };
}
