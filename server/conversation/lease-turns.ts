import type { CodeCell } from '../protocol/index.ts';
import type { ConversationKernel } from './conversation-kernel.ts';
import type { Conversation } from './conversation.ts';
import { followCell, LOST_OUTPUT } from './follow-cell.ts';
import type { ActiveTurn } from './turns.ts';

/**
 * Many servers: a turn is taken only while this server holds the conversation's lease.
 * `assertHeld` throws (`NotHolderError`) now unless it is held, and the work returned checks it
 * again when the turn starts: it may have waited while the lease went elsewhere. Without
 * `assertHeld` (one server) the work is returned as it is.
 */
export function leaseGuarded(conversationId: string, assertHeld: ((conversationId: string) => void) | undefined, work: (turn: ActiveTurn) => Promise<void>): (turn: ActiveTurn) => Promise<void> {
  assertHeld?.(conversationId);
  return assertHeld
    ? async (turn: ActiveTurn) => {
        assertHeld(conversationId);
        await work(turn);
      }
    : work;
}

/**
 * After a takeover: the cell that was running on the server that died (`msgId`, its execution)
 * goes on in the same kernel, or is marked interrupted when the kernel reattached to is not
 * running that execution any more.
 */
export async function followAfterTakeover(conversation: Conversation, kernel: ConversationKernel, cellId: string, msgId: string): Promise<void> {
  const session = await kernel.session();
  if (session.followable !== msgId) {
    conversation.updateCell<CodeCell>(cellId, { status: 'interrupted', failure: LOST_OUTPUT });
    return;
  }
  session.followable = undefined;
  await followCell(conversation, session, cellId, msgId);
}
