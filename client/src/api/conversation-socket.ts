import { serverFrame, SOCKET_CLOSE, type ClientFrame, type ServerFrame } from '../protocol.ts';

export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ConversationSocketOptions {
  /** The last `seq` the page has applied; every (re)connection resumes after it. */
  lastSeq: () => number;
  onFrame: (frame: ServerFrame) => void;
  onStatus: (status: ConnectionStatus) => void;
  /** A frame that failed validation (a version skew): reported, then ignored. */
  onInvalid: (message: string) => void;
  /**
   * Asked before each reconnection attempt after a failure; return false to stop for good
   * (signed out, conversation deleted). Default: always retry.
   */
  shouldRetry?: () => Promise<boolean>;
  /** Delays between attempts, in ms; the last one repeats. Default 500, 1000, 2000, 4000, 8000. */
  backoffMs?: readonly number[];
}

export interface ConversationSocket {
  /** Sends now, or as soon as the socket is open again (after its `resume`). */
  send(frame: ClientFrame): void;
  close(): void;
}

/** The conversation's WebSocket: validates frames, reconnects with backoff and resumes. */
export function openConversationSocket(id: string, options: ConversationSocketOptions): ConversationSocket {
  const backoff = options.backoffMs ?? [500, 1000, 2000, 4000, 8000];
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/conversations/${encodeURIComponent(id)}/ws`;
  const outbox: ClientFrame[] = [];
  let socket: WebSocket | undefined;
  let attempt = 0;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = () => {
    if (closed) return;
    options.onStatus(attempt === 0 ? 'connecting' : 'reconnecting');
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      ws.send(JSON.stringify({ type: 'resume', after: options.lastSeq() } satisfies ClientFrame));
      for (const frame of outbox.splice(0)) ws.send(JSON.stringify(frame));
      options.onStatus('open');
    };
    ws.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      let json: unknown;
      try {
        json = JSON.parse(event.data);
      } catch {
        options.onInvalid('The server sent a frame that is not JSON.');
        return;
      }
      const parsed = serverFrame.safeParse(json);
      if (parsed.success) options.onFrame(parsed.data);
      else options.onInvalid(`The server sent a frame this page does not understand: ${parsed.error.issues[0]?.message ?? ''}`);
    };
    ws.onclose = (event) => {
      if (socket !== ws || closed) return;
      socket = undefined;
      options.onStatus('reconnecting');
      // The conversation moved to another server: it takes it over within a lease; retry soon,
      // resuming by seq (its `reset` reloads the conversation when it lacks the frames).
      if (event.code === SOCKET_CLOSE.NOT_HOLDER) attempt = Math.min(attempt, 1);
      scheduleReconnect();
    };
  };

  const scheduleReconnect = () => {
    const delay = backoff[Math.min(attempt, backoff.length - 1)] ?? 1000;
    attempt += 1;
    const retry = async () => {
      timer = undefined;
      const again = options.shouldRetry ? await options.shouldRetry().catch(() => true) : true;
      if (!again) {
        closed = true;
        options.onStatus('closed');
        return;
      }
      connect();
    };
    timer = setTimeout(() => void retry(), delay);
  };

  // Back online or back to the tab: try at once instead of waiting out the backoff.
  const retryNow = () => {
    if (closed || socket || timer === undefined) return;
    clearTimeout(timer);
    timer = undefined;
    connect();
  };
  window.addEventListener('online', retryNow);

  connect();

  return {
    send(frame) {
      if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
      else outbox.push(frame);
    },
    close() {
      closed = true;
      window.removeEventListener('online', retryNow);
      if (timer !== undefined) clearTimeout(timer);
      const ws = socket;
      socket = undefined;
      ws?.close();
    },
  };
}
