import { errorMessage } from '../errors.ts';
import { checkpointEngine } from '../kernel/checkpoint-engines.ts';
import { isSaved, saveCheckpoint, type SaveResult } from '../kernel/kernel-checkpoints.ts';
import type { KernelSession } from '../kernel/kernel-session.ts';
import type { CellCheckpoint, CodeCell } from '../protocol/index.ts';
import type { Conversation } from './conversation.ts';

/** Time a save may take once its cell is done (beyond the cell's own time limit). */
const SAVE_MS = 120_000;

/**
 * A checkpoint after every code cell that ran without error (issue 19). The save is sent to the
 * kernel right behind the cell (`ifSucceeded`), so it runs in the kernel right after the cell and
 * before anything queued after it, and answers right after the cell's reply. A checkpoint that
 * fails never fails its cell: it is said in the cell's footer (`checkpoint.status: 'failed'`).
 */
export async function runWithCheckpoint(
  conversation: Conversation,
  session: KernelSession,
  cellId: string,
  run: () => Promise<CodeCell>,
  options: { cellTimeoutMs: number; onSaved?: (id: string) => void },
): Promise<CodeCell> {
  const engine = await checkpointEngine(session);
  const source = conversation.cell(cellId)?.kind === 'code' ? (conversation.cell(cellId) as CodeCell).source : '';
  // Started first: its execute request is queued on the session before the save below.
  const running = run();
  if (!engine) return running;
  const saving = saveCheckpoint(session, { cellId, source, ifSucceeded: true }, { timeoutMs: options.cellTimeoutMs + SAVE_MS }).catch(
    (error: unknown): SaveResult => ({ status: 'failed', message: errorMessage(error), ms: 0 }),
  );
  const cell = await running;
  let result = await saving;
  if (cell.status !== 'ok') return cell;
  // The save reached the kernel before the cell did (another request was ahead of it): save now.
  if (result.status === 'skipped' && result.reason === 'unseen') {
    result = await saveCheckpoint(session, { cellId, source }, { timeoutMs: SAVE_MS }).catch(
      (error: unknown): SaveResult => ({ status: 'failed', message: errorMessage(error), ms: 0 }),
    );
  }
  if (result.status === 'skipped') return cell;
  const current = conversation.cell(cellId);
  if (current?.kind !== 'code') return cell;
  if (isSaved(result)) options.onSaved?.(result.id);
  return conversation.updateCell<CodeCell>(cellId, { checkpoint: cellCheckpointOf(result) });
}

/** What the cell's footer keeps of a save's answer. */
export function cellCheckpointOf(result: SaveResult): CellCheckpoint {
  if (!isSaved(result)) {
    return { status: 'failed', message: result.message, ms: result.ms };
  }
  return {
    status: result.status,
    id: result.id,
    bytesWritten: result.bytesWritten,
    totalBytes: result.totalBytes,
    files: {
      created: result.files.created.slice(0, 200),
      changed: result.files.changed.slice(0, 200),
      deleted: result.files.deleted.slice(0, 200),
      ...(result.files.notKept.length ? { notKept: result.files.notKept.slice(0, 200) } : {}),
    },
    ...(result.unsaved.length ? { unsaved: result.unsaved.slice(0, 50).map((entry) => ({ name: entry.name, reason: entry.reason })) } : {}),
    ms: result.ms,
  };
}
