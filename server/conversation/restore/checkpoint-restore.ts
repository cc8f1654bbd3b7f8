import { errorMessage } from '../../errors.ts';
import { checkpointEngine } from '../../kernel/checkpoint-engines.ts';
import { listCheckpoints, restoreCheckpoint, type RestoreResult } from '../../kernel/kernel-checkpoints.ts';
import type { KernelSession } from '../../kernel/kernel-session.ts';
import type { Cell, CodeCell } from '../../protocol/index.ts';
import { isReplayable } from './replay-plan.ts';

/** Where a conversation's checkpoints can come from besides the kernel's own folder (the store). */
export interface CheckpointSource {
  /** Give the kernel checkpoint `id` if it lacks it; false when there is none to give. */
  provide(session: KernelSession, id: string): Promise<boolean>;
}

/** What loading a checkpoint did, and what is left to replay. */
export interface CheckpointRestore {
  /** The code cell whose checkpoint was loaded. */
  cell: CodeCell;
  result: RestoreResult;
  /** Cells to run again, in order: those that rebuild what the checkpoint could not hold, then those that ran after it. */
  replay: CodeCell[];
}

/** A code cell whose last run ended without error and made a checkpoint, not undone. */
export function checkpointed(cell: Cell): cell is CodeCell & { checkpoint: { id: string } } {
  return cell.kind === 'code' && cell.status === 'ok' && !cell.undone && !cell.imported && typeof cell.checkpoint?.id === 'string';
}

/** Checkpoint ids sort by age (`<seq>-<random>`, seq zero-padded); compare their seqs. */
export function checkpointSeq(id: string): number {
  return Number(id.split('-')[0]);
}

/**
 * The newest checkpoint the kernel has (or `source` can give it) among the cells up to `upTo`
 * (default: all), loaded into `session`; undefined when the kernel makes no checkpoints or none
 * fits (then restore replays everything). Loading may fail (a blob lost): the next older one is
 * tried, up to three.
 */
export async function restoreNewestCheckpoint(
  session: KernelSession,
  cells: readonly Cell[],
  options: { upTo?: number; files?: boolean; source?: CheckpointSource; onError?: (message: string) => void } = {},
): Promise<CheckpointRestore | undefined> {
  if (!(await checkpointEngine(session))) return undefined;
  const scope = options.upTo === undefined ? cells : cells.slice(0, options.upTo + 1);
  const listed = await listCheckpoints(session);
  const available = new Set(listed.checkpoints.map((checkpoint) => checkpoint.id));
  const candidates = scope.filter(checkpointed).sort((a, b) => checkpointSeq(b.checkpoint.id) - checkpointSeq(a.checkpoint.id));
  let tries = 0;
  for (const cell of candidates) {
    if (tries >= 3) break;
    const id = cell.checkpoint.id;
    if (!available.has(id)) {
      const given = await options.source?.provide(session, id).catch((error: unknown) => {
        options.onError?.(`checkpoint ${id} could not be brought in: ${errorMessage(error)}`);
        return false;
      });
      if (!given) continue;
    }
    tries += 1;
    try {
      const result = await restoreCheckpoint(session, { id, files: options.files ?? false });
      return { cell, result, replay: replayAfter(scope, cell, result.replay) };
    } catch (error) {
      options.onError?.(errorMessage(error));
    }
  }
  return undefined;
}

/**
 * The cells to replay after loading `from`'s checkpoint: first those the engine named to rebuild
 * what it could not hold (an open file, a connection), then every replayable cell whose last run
 * ended after `from`'s, in the conversation's order.
 */
function replayAfter(cells: readonly Cell[], from: CodeCell, rebuild: readonly string[]): CodeCell[] {
  const byId = new Map(cells.filter((cell): cell is CodeCell => cell.kind === 'code').map((cell) => [cell.id, cell]));
  const chosen: CodeCell[] = [];
  const seen = new Set<string>();
  for (const id of rebuild) {
    const cell = byId.get(id);
    if (cell && isReplayable(cell) && !seen.has(id)) {
      chosen.push(cell);
      seen.add(id);
    }
  }
  const after = from.endedAt ?? '';
  const index = cells.indexOf(from);
  cells.forEach((cell, at) => {
    if (cell.kind !== 'code' || cell === from || seen.has(cell.id) || !isReplayable(cell)) return;
    const ended = cell.endedAt ?? '';
    if (ended > after || (ended === after && at > index)) {
      chosen.push(cell);
      seen.add(cell.id);
    }
  });
  return chosen;
}
