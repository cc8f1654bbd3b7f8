import { assertNever, type CellBy, type ClientFrame } from '../protocol/index.ts';
import type { ConversationRuntime } from './conversation-runtime.ts';

/** A client request to a conversation (`resume` is the socket's own business). */
export type ConversationRequest = Exclude<ClientFrame, { type: 'resume' }>;

/**
 * What each client request does to its conversation: one exhaustive mapping, so a new frame
 * type does not compile until it has an action. `by`: whom the request acts for (its cells carry it). Resolves when the request was accepted (a turn
 * reports its own end in frames); rejects with a `PublicError` saying why it was refused.
 */
export async function dispatchRequest(runtime: ConversationRuntime, frame: ConversationRequest, by?: CellBy): Promise<void> {
  switch (frame.type) {
    case 'run':
      return runtime.run({ ...frame, by });
    case 'ask':
      return runtime.ask({ ...frame, by });
    case 'run_all':
      return runtime.runAll({ ...frame, by });
    case 'run_stale':
      return runtime.runStale({ ...frame, by });
    case 'restore':
      return runtime.restore({ ...frame, by });
    case 'undo':
      return runtime.undo({ ...frame, by });
    case 'set_cell':
      return runtime.setCell(frame);
    case 'delete_cell':
      return runtime.deleteCell(frame);
    case 'stdin_reply':
      return runtime.stdinReply(frame);
    case 'interrupt':
      return runtime.interrupt();
    case 'restart':
      return runtime.restart();
    case 'cancel':
      return runtime.cancel();
    default:
      return assertNever(frame);
  }
}
