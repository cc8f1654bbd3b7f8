import type { WebSocket } from 'ws';
import type { ConversationRuntime } from '../conversation/conversation-runtime.ts';
import { dispatchRequest } from '../conversation/dispatch-request.ts';
import type { LoggedFrame } from '../conversation/frame-log.ts';
import { toPublic } from '../errors.ts';
import type { Logger } from '../log.ts';
import { clientFrame, type CellBy, type ClientFrame, type ServerFrame } from '../protocol/index.ts';
import { allows, ReadOnlyError, type Access } from './conversation-access.ts';

export interface SocketOptions {
  /** Stop sending while this many bytes wait in the socket's buffer (default 4 MiB). */
  highWaterBytes?: number;
  /** A socket opened without `?after=` waits this long for `resume` before going live (default 1 s). */
  holdMs?: number;
  /** What the socket's user is to the conversation now (default: its owner). A viewer only reads. */
  access?: () => Access;
  /** Whom the socket's requests act for: the cells they add carry it (issue 17). */
  by?: CellBy;
  /** Rejects (a `PublicError`) when the conversation's owner is over the storage quota: checked before requests that add cells or outputs. */
  checkQuota?: () => Promise<void>;
}

/** Requests that add cells or outputs: refused while the owner is over the storage quota. */
const GROWS: ReadonlySet<ClientFrame['type']> = new Set(['run', 'ask', 'run_all', 'run_stale']);

/**
 * One browser tab's socket on one conversation. Frames are pulled from the conversation's log
 * from a cursor (the last `seq` this socket sent), so live frames, `resume` and backpressure are
 * one mechanism: a slow client falls behind in the log (or gets a `reset`), the server never
 * buffers per socket. Every callback is guarded: a bad frame cannot kill the socket.
 */
export function attachConversationSocket(
  ws: WebSocket,
  runtime: ConversationRuntime,
  log: Logger,
  after: number | undefined,
  options: SocketOptions = {},
): void {
  const { conversation } = runtime;
  const highWater = options.highWaterBytes ?? 4 * 1024 * 1024;
  let cursor = after ?? conversation.seq;
  let held = after === undefined;
  let drainTimer: NodeJS.Timeout | undefined;
  let queue: Promise<void> = Promise.resolve();

  const sendLocal = (frame: ServerFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };

  const pump = () => {
    // Frames that announce something finished wait until it is stored (Conversation.sendableSeq).
    if (held || ws.readyState !== ws.OPEN) return;
    const sendable = conversation.sendableSeq;
    const ahead = cursor > conversation.seq;
    if (!ahead && cursor >= sendable) return;
    const pendingFrames: LoggedFrame[] | undefined = ahead ? undefined : conversation.framesAfter(cursor);
    if (!pendingFrames) {
      // The log no longer holds what this socket missed (or the tab is ahead of this server:
      // frames it saw were lost in a crash): send the whole stored state instead.
      cursor = sendable;
      sendLocal({ type: 'reset', seq: cursor, cells: [...conversation.cells], stateLost: conversation.stateLost, ...(conversation.stdinPrompt ? { stdin: conversation.stdinPrompt } : {}) });
      return;
    }
    for (const entry of pendingFrames) {
      if (entry.seq > sendable) return;
      if (ws.bufferedAmount > highWater) {
        drainTimer ??= setTimeout(() => {
          drainTimer = undefined;
          guard(pump);
        }, 25);
        return;
      }
      ws.send(entry.json);
      cursor = entry.seq;
    }
  };

  const guard = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      log.error('socket handler failed', error);
    }
  };

  const release = () => {
    if (!held) return;
    held = false;
    pump();
  };
  const holdTimer = held ? setTimeout(() => guard(release), options.holdMs ?? 1000) : undefined;

  const unsubscribe = conversation.subscribe(() => {
    if (!drainTimer) guard(pump);
  });

  ws.on('message', (data, isBinary) =>
    guard(() => {
      if (isBinary) return sendLocal({ type: 'error', seq: conversation.seq, message: 'Frames must be JSON text.' });
      let raw: unknown;
      try {
        raw = JSON.parse(data.toString());
      } catch {
        return sendLocal({ type: 'error', seq: conversation.seq, message: 'The frame is not valid JSON.' });
      }
      const parsed = clientFrame.safeParse(raw);
      if (!parsed.success) {
        const requestId = typeof raw === 'object' && raw && 'requestId' in raw && typeof raw.requestId === 'string' ? raw.requestId.slice(0, 200) : undefined;
        const reasons = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || 'frame'}: ${issue.message}`);
        return sendLocal({ type: 'error', seq: conversation.seq, message: `Invalid frame: ${reasons.join('; ')}`, ...(requestId ? { requestId } : {}) });
      }
      const frame = parsed.data;
      if (frame.type === 'resume') {
        // A tab ahead of this conversation's seq saw frames a crash lost: it gets a reset.
        cursor = frame.after;
        if (holdTimer) clearTimeout(holdTimer);
        held = false;
        return pump();
      }
      release();
      if (options.access && !allows(options.access(), 'write')) {
        return sendLocal({ type: 'error', seq: conversation.seq, message: new ReadOnlyError('write').message, ...(frame.requestId ? { requestId: frame.requestId } : {}) });
      }
      // Requests are handled in the order they came, even those that wait for the quota check.
      const checked = options.checkQuota && GROWS.has(frame.type) ? options.checkQuota : undefined;
      queue = queue.then(async () => {
        try {
          await checked?.();
          await dispatchRequest(runtime, frame, options.by);
        } catch (error) {
          const refused = toPublic(error, log, `a ${frame.type} request failed`);
          log.debug(`${frame.type} request refused: ${refused.message}`);
          sendLocal({ type: 'error', seq: conversation.seq, message: refused.message, ...(frame.requestId ? { requestId: frame.requestId } : {}) });
        }
      });
    }),
  );

  ws.on('close', () =>
    guard(() => {
      unsubscribe();
      if (holdTimer) clearTimeout(holdTimer);
      if (drainTimer) clearTimeout(drainTimer);
    }),
  );
  ws.on('error', (error) => log.debug(`socket error: ${error.message}`));
  // Opened with `?after=`: what it missed goes out now, not with the next frame.
  if (!held) guard(pump);
}
