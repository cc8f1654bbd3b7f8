import { assertNever, type ClientFrame } from '../protocol/index.ts';
import type { ConversationRuntime } from './conversation-runtime.ts';

/** A client request to a conversation (`resume` is the socket's own business). */
export type ConversationRequest = Exclude<ClientFrame, { type: 'resume' }>;

/**
 * What each client request does to its conversation: one exhaustive mapping, so a new frame
 * type does not compile until it has an action. Resolves when the request was accepted (a turn
 * reports its own end in frames); rejects with a `PublicError` saying why it was refused.
 */
export async function dispatchRequest(runtime: ConversationRuntime, frame: ConversationRequest): Promise<void> {
  switch (frame.type) {
    case 'run':
      return runtime.run(frame);
    case 'ask':
      return runtime.ask(frame);
    case 'run_all':
      return runtime.runAll(frame);
    case 'run_stale':
      return runtime.runStale(frame);
    case 'restore':
      return runtime.restore(frame);
    case 'undo':
      return runtime.undo(frame);
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
