import { conversationListEvent, LIST_EVENT, LIST_EVENTS_READY, type ConversationListEvent } from '../../server/protocol/index.ts';

export interface ListEventStream {
  /** Every list event received so far, in order. */
  readonly events: readonly ConversationListEvent[];
  /** Resolves with the first event (from the start) that `matches`; rejects after `timeoutMs`. */
  next(matches: (event: ConversationListEvent) => boolean, timeoutMs?: number): Promise<ConversationListEvent>;
  close(): void;
}

/**
 * Opens `GET /api/conversations/events` on `baseUrl` as `bearer` and resolves once the server
 * says it listens (`event: ready`). Parses the Server-Sent Events itself (Node has no EventSource).
 */
export async function openListEvents(baseUrl: string, bearer: string, timeoutMs = 10_000): Promise<ListEventStream> {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/api/conversations/events`, { headers: { Authorization: `Bearer ${bearer}`, Accept: 'text/event-stream' }, signal: controller.signal });
  if (!response.ok || !response.body) throw new Error(`the event stream answered ${response.status}: ${await response.text()}`);
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) throw new Error(`the event stream is ${response.headers.get('content-type')}`);
  const events: ConversationListEvent[] = [];
  const waiters = new Set<() => void>();
  let ready: () => void = () => {};
  let ended: (error: Error) => void = () => {};
  const isReady = new Promise<void>((resolve, reject) => {
    ready = resolve;
    ended = reject;
  });

  const dispatch = (block: string) => {
    let name = 'message';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) name = line.slice(6).trim();
      else if (line.startsWith('data:')) data += line.slice(5).trimStart();
    }
    if (name === LIST_EVENTS_READY) ready();
    if (name !== LIST_EVENT) return;
    events.push(conversationListEvent.parse(JSON.parse(data)));
    for (const waiter of waiters) waiter();
  };
  void (async () => {
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          dispatch(buffered.slice(0, end));
          buffered = buffered.slice(end + 2);
        }
      }
    } catch {
      // aborted by close() or the timeout
    }
    ended(new Error(`the event stream ended before it said it was ready (${timeoutMs} ms)`));
  })();

  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    await isReady;
  } finally {
    clearTimeout(timer);
  }

  return {
    events,
    next(matches, waitMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(matches);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timeout);
          resolve(found);
          return true;
        };
        const timeout = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching list event within ${waitMs} ms; received: ${JSON.stringify(events)}`));
        }, waitMs);
        waiters.add(check);
        check();
      });
    },
    close: () => controller.abort(),
  };
}
