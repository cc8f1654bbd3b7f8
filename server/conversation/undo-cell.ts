import { PublicError } from '../errors.ts';
import { checkpointEngine } from '../kernel/checkpoint-engines.ts';
import { listCheckpoints, restoreCheckpoint, undoCheckpoint, type RestoreResult } from '../kernel/kernel-checkpoints.ts';
import type { KernelSession } from '../kernel/kernel-session.ts';
import { runCode } from '../kernel/run-code.ts';
import type { CodeCell, NoticeCell } from '../protocol/index.ts';
import type { Conversation } from './conversation.ts';
import { checkpointed, type CheckpointSource } from './restore/checkpoint-restore.ts';
import { cellLabel, isReplayable } from './restore/replay-plan.ts';

export interface UndoOptions {
  conversation: Conversation;
  /** The conversation's kernel (started if it had none). */
  session(): Promise<KernelSession>;
  signal: AbortSignal;
  cellTimeoutMs: number;
  notice(level: NoticeCell['level'], text: string): void;
  /** Where a checkpoint the kernel's folder lacks can come from (the store). */
  checkpoints?: CheckpointSource;
}

/** How an undo went, for the conversation's state and the assistant. */
export interface UndoReport {
  cellId: string;
  /** Everything the cells before it built is in the kernel (nothing missing, the replays ran). */
  complete: boolean;
  restored: string[];
  removed: string[];
  rebuilt: string[];
  missing: string[];
}

/** The last code cell that is not undone (the one `undo` undoes), if any. */
export function undoTarget(conversation: Conversation): CodeCell | undefined {
  return conversation.cells.findLast((cell): cell is CodeCell => cell.kind === 'code' && !cell.undone);
}

/**
 * Undo the conversation's last code cell not already undone: the kernel goes back to the
 * checkpoint before it (its variables, and its workspace files: created ones deleted, changed
 * and deleted ones written back), the cells the engine names to rebuild what a checkpoint cannot
 * hold are replayed, and the cell is marked `undone` (kept in the history, greyed, never
 * replayed). Needs checkpoints: refused for kernels that make none.
 */
export async function undoLastCell(options: UndoOptions): Promise<UndoReport> {
  const { conversation } = options;
  const target = undoTarget(conversation);
  if (!target) throw new PublicError('There is no code cell to undo.', 409);
  const session = await options.session();
  if (!(await checkpointEngine(session))) {
    throw new PublicError('Undo needs kernel checkpoints, which only Python kernels make (with TALKBOOK_CHECKPOINT_MB above 0).', 409);
  }
  const index = conversation.cells.indexOf(target);
  let result: RestoreResult;
  const ownId = checkpointed(target) ? target.checkpoint.id : undefined;
  if (ownId && (await available(session, ownId, options.checkpoints))) {
    result = await undoCheckpoint(session, { id: ownId, files: true });
  } else {
    // No checkpoint of its own (it failed, or its checkpoint did): back to the newest one before it.
    const before = conversation.cells.slice(0, index).findLast(checkpointed);
    if (!before || !(await available(session, before.checkpoint.id, options.checkpoints))) {
      throw new PublicError(`${cellLabel(target)} cannot be undone: there is no checkpoint from before it.`, 409);
    }
    result = await restoreCheckpoint(session, { id: before.checkpoint.id, files: true });
  }
  conversation.updateCell<CodeCell>(target.id, { undone: true });

  // Rebuild what the checkpoint could not hold (an open file), from the cells before the undone one.
  let replayed = 0;
  let complete = result.unknown.length === 0;
  const cells = new Map(conversation.cells.map((cell) => [cell.id, cell]));
  for (const id of result.replay) {
    const cell = cells.get(id);
    if (cell?.kind !== 'code' || !isReplayable(cell) || conversation.cells.indexOf(cell) >= index) continue;
    const run = await runCode(session, cell.source, { signal: options.signal, timeoutMs: options.cellTimeoutMs });
    if (run.status !== 'ok') {
      complete = false;
      break;
    }
    replayed += 1;
  }
  const rebuilt = result.missing.filter((entry) => !result.unknown.includes(entry.name)).map((entry) => entry.name);
  const missing = result.missing.filter((entry) => result.unknown.includes(entry.name)).map((entry) => `${entry.name} (${entry.reason})`);
  options.notice('info', undoNotice(target, result, replayed, missing));
  return { cellId: target.id, complete, restored: [...result.restored, ...result.kept].sort(), removed: result.removed, rebuilt, missing };
}

async function available(session: KernelSession, id: string, source: CheckpointSource | undefined): Promise<boolean> {
  const listed = await listCheckpoints(session);
  if (listed.checkpoints.some((checkpoint) => checkpoint.id === id)) return true;
  return (await source?.provide(session, id).catch(() => false)) ?? false;
}

const list = (names: readonly string[]) => names.slice(0, 8).map((name) => `\`${name}\``).join(', ') + (names.length > 8 ? ', …' : '');

function undoNotice(cell: CodeCell, result: RestoreResult, replayed: number, missing: string[]): string {
  const parts = [`Undid ${cellLabel(cell)}: the variables are as they were before it.`];
  if (result.restored.length) parts.push(`Back from the checkpoint: ${list(result.restored)}.`);
  if (result.removed.length) parts.push(`Gone (defined by the undone cell): ${list(result.removed)}.`);
  if (replayed) parts.push(`Replayed ${replayed} earlier cell${replayed === 1 ? '' : 's'} to rebuild what a checkpoint cannot hold.`);
  if (missing.length) parts.push(`Not restored: ${missing.slice(0, 5).join('; ')}.`);
  const files = result.files;
  if (files && (files.written.length || files.deleted.length || files.left.length)) {
    const said = [
      files.written.length ? `${list(files.written)} written back` : '',
      files.deleted.length ? `${list(files.deleted)} deleted` : '',
      files.left.length ? `${list(files.left.map((entry) => entry.path))} left as they are (too big to keep)` : '',
    ].filter(Boolean);
    parts.push(`Files: ${said.join('; ')}.`);
  }
  return parts.join(' ');
}
