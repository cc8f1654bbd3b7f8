import type { ExecutionEvent, KernelSession } from '../kernel/kernel-session.ts';
import { assertNever, type CodeCell } from '../protocol/index.ts';
import type { Conversation } from './conversation.ts';

/** What a cell says when the server running it stopped and its output could not be replayed. */
export const LOST_OUTPUT =
  'The server running this cell stopped. It went on in the kernel, but the Jupyter server kept none of what it printed after the output shown here, so that part is lost; its variables are in the kernel.';

/**
 * After a failover: the cell that was running when its server died goes on in the same kernel,
 * its outputs coming from what Jupyter Server replays (it buffered them for the old connection's
 * session id) and then live, until it ends as a run would. The output the old server had stored
 * stays; what it had received and not yet stored (its last fraction of a second) is not in the
 * replay either.
 */
export async function followCell(conversation: Conversation, session: KernelSession, cellId: string, msgId: string): Promise<void> {
  const onEvent = (event: ExecutionEvent) => {
    switch (event.kind) {
      case 'output':
        conversation.appendOutput(cellId, event.output);
        return;
      case 'clear':
        conversation.clearOutput(cellId, event.wait);
        return;
      case 'execution-count':
        conversation.updateCell<CodeCell>(cellId, { executionCount: event.executionCount });
        return;
      default:
        assertNever(event);
    }
  };
  const outcome = await session.follow(msgId, onEvent);
  const ended = { endedAt: new Date().toISOString() };
  switch (outcome.status) {
    case 'ok':
    case 'error':
      conversation.updateCell<CodeCell>(cellId, { status: outcome.status, executionCount: outcome.executionCount, ...ended });
      return;
    case 'aborted':
      conversation.updateCell<CodeCell>(cellId, { status: 'interrupted', ...ended });
      return;
    case 'died':
      conversation.updateCell<CodeCell>(cellId, { status: 'error', failure: outcome.reason, ...ended });
      return;
    case 'lost':
      conversation.updateCell<CodeCell>(cellId, { status: 'interrupted', failure: LOST_OUTPUT, ...ended });
      return;
    default:
      assertNever(outcome);
  }
}
