import { newId } from '../ids.ts';
import type { Logger } from '../log.ts';
import type { Cell, NoticeCell } from '../protocol/index.ts';
import type { BranchOrigin } from './branch-conversation.ts';
import type { ConversationKernel } from './conversation-kernel.ts';
import type { Conversation } from './conversation.ts';
import type { CheckpointSource } from './restore/checkpoint-restore.ts';
import type { LostState } from './restore/lost-state.ts';
import { restoreState } from './restore/restore.ts';
import type { ActiveTurn } from './turns.ts';
import { undoLastCell, type UndoReport } from './undo-cell.ts';

/** What the restore, undo and branch turns need of the runtime's settings (`RuntimeDeps` has them). */
export interface CheckpointTurnDeps {
  log: Logger;
  cellTimeoutMs: number;
  /** Where checkpoints a kernel's folder lacks come from (the store, for remote kernels). */
  checkpointSource?(conversationId: string): CheckpointSource;
}

/** One conversation's parts the turns that move its kernel through checkpoints act on. */
export interface CheckpointTurnParts {
  readonly conversation: Conversation;
  readonly kernel: ConversationKernel;
  readonly state: LostState;
  readonly deps: CheckpointTurnDeps;
  notice(level: NoticeCell['level'], text: string): Cell;
}

/**
 * A restore turn: a fresh kernel replays the code cells that last ran without error (from the
 * checkpoints where it can). `automatic`: asked for by a lost state, not by the person; `from`:
 * a branch's first turn, restored from the checkpoints (and files) of the conversation it came from.
 */
export async function restoreTurn(parts: CheckpointTurnParts, turn: ActiveTurn, automatic: boolean, from: { files: boolean; source: CheckpointSource } | undefined = undefined): Promise<void> {
  const { conversation, deps, kernel, state } = parts;
  state.restoreStarted();
  if (automatic && !from && (await kernel.canReattach())) {
    // Taken over from another server whose kernel still runs: everything it defined is there.
    await kernel.session();
    state.rebuilt();
    return;
  }
  const checkpoints = from?.source ?? deps.checkpointSource?.(conversation.id);
  const report = await restoreState({
    conversation,
    turnId: turn.id,
    signal: turn.signal,
    cellTimeoutMs: deps.cellTimeoutMs,
    automatic,
    // The restore's own notice says what happened.
    freshKernel: () => kernel.replace(),
    ...(checkpoints ? { checkpoints } : {}),
    ...(from?.files ? { files: true } : {}),
    log: (message) => deps.log.warn(`restore of ${conversation.id}: ${message}`),
    notice: (level, text) => parts.notice(level, text),
  });
  state.restoreEnded(report);
}

/** Undo the last code cell not already undone, inside a running turn: the kernel goes back to the checkpoint before it. */
export async function undoInTurn(parts: CheckpointTurnParts, signal: AbortSignal): Promise<UndoReport> {
  const { conversation, deps, kernel, state } = parts;
  const report = await undoLastCell({
    conversation,
    session: () => kernel.session(),
    signal,
    cellTimeoutMs: deps.cellTimeoutMs,
    notice: (level, text) => parts.notice(level, text),
    ...(deps.checkpointSource ? { checkpoints: deps.checkpointSource(conversation.id) } : {}),
  });
  state.undone(report);
  return report;
}

/** A new branch's first cell: where it branched from, with a link back. */
export function announceBranch(conversation: Conversation, origin: BranchOrigin): void {
  conversation.addCell<NoticeCell>({
    id: newId(),
    kind: 'notice',
    level: 'info',
    text: `Branched from “${origin.title}”. The cells above are copied from it; it is left as it was.`,
    link: { conversationId: origin.conversationId, cellId: origin.cellId, title: origin.title },
    createdAt: new Date().toISOString(),
  });
}
