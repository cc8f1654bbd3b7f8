import { errorMessage } from '../../errors.ts';
import type { KernelSession } from '../../kernel/kernel-session.ts';
import { runCode, type RunResult } from '../../kernel/run-code.ts';
import type { NoticeCell, RestoreState } from '../../protocol/index.ts';
import type { Conversation } from '../conversation.ts';
import { restoreNewestCheckpoint, type CheckpointRestore, type CheckpointSource } from './checkpoint-restore.ts';
import { cellLabel, replayPlan } from './replay-plan.ts';
import { restoreNotice, type RestoreReport } from './restore-report.ts';

export interface RestoreOptions {
  conversation: Conversation;
  /** The turn this restore runs as: its `restore` frames carry the id. */
  turnId: string;
  /** Cancels the restore: the running replayed cell is interrupted. */
  signal: AbortSignal;
  /** Time limit per replayed cell. */
  cellTimeoutMs: number;
  /** Started by TALKBOOK_AUTO_RESTORE rather than asked for. */
  automatic: boolean;
  /** A kernel with nothing defined in it, in the conversation's workspace. */
  freshKernel(): Promise<KernelSession>;
  /** Where checkpoints the kernel's folder lacks can come from (the store, the conversation branched from). */
  checkpoints?: CheckpointSource;
  /** Why a checkpoint could not be used (logged; the restore then replays). */
  log?(message: string): void;
  /** Also put the workspace's files back as the checkpoint had them (a branch's new workspace). */
  files?: boolean;
  notice(level: NoticeCell['level'], text: string): void;
}

/**
 * Rebuild the kernel state a conversation's code built, in a fresh kernel: load the newest
 * checkpoint it has (Python kernels, issue 19), then replay only what that lacks — the cells
 * that rebuild what a checkpoint cannot hold and those that ran after it. Without a checkpoint
 * (R, or none saved), replay the code cells whose last run ended without error, in order,
 * skipping those marked `noReplay` or undone. The cells and their stored outputs are left as
 * they are; `restore` frames report "k of n" (only when something is replayed). Stops at the
 * first cell that fails (saying which and why) or on cancel, leaving the kernel with everything
 * before it. Rejects only if no kernel could be started.
 */
export async function restoreState(options: RestoreOptions): Promise<RestoreReport> {
  const { conversation, turnId, signal } = options;
  const plan = replayPlan(conversation.cells);
  let total = plan.replay.length;
  const emit = (state: RestoreState, done: number, extra: { cellId?: string; skipped?: string[]; error?: string } = {}) =>
    conversation.emit({ type: 'restore', turnId, state, done, total, ...extra });

  let session: KernelSession;
  try {
    session = await options.freshKernel();
  } catch (error) {
    emit('failed', 0, { error: errorMessage(error) });
    throw error;
  }
  const loaded = await restoreNewestCheckpoint(session, conversation.cells, {
    ...(options.files ? { files: true } : {}),
    ...(options.checkpoints ? { source: options.checkpoints } : {}),
    onError: (message) => options.log?.(message),
  }).catch((error: unknown) => {
    options.log?.(`no checkpoint restore: ${errorMessage(error)}`);
    return undefined;
  });
  const replay = loaded ? loaded.replay : plan.replay;
  total = replay.length;
  if (!loaded || total > 0) emit('started', 0, plan.skipped.length ? { skipped: plan.skipped.map((cell) => cell.id) } : {});

  const report: RestoreReport = {
    outcome: 'done',
    automatic: options.automatic,
    replayed: 0,
    total,
    skipped: plan.skipped.map((cell) => cellLabel(cell)),
    notReached: [],
    unsuccessful: plan.unsuccessful.length,
    ...(plan.imported.length ? { imported: plan.imported.length } : {}),
    ...(loaded ? { checkpoint: checkpointReport(loaded) } : {}),
  };
  let stoppedAt: string | undefined;
  for (const [index, cell] of replay.entries()) {
    if (signal.aborted) {
      report.outcome = 'cancelled';
      report.notReached = replay.slice(index).map((rest) => cellLabel(rest));
      break;
    }
    emit('progress', index, { cellId: cell.id });
    // Outputs are discarded (the cell keeps those of its original run). Not silent: the kernel
    // counts the replay and keeps it in its history (`In`, `_`).
    const result = replayOutcome(await runCode(session, cell.source, { signal, timeoutMs: options.cellTimeoutMs }));
    if (result.status === 'ok') {
      report.replayed = index + 1;
      continue;
    }
    stoppedAt = cell.id;
    report.notReached = replay.slice(index + 1).map((rest) => cellLabel(rest));
    if (result.status === 'error') {
      report.outcome = 'failed';
      report.failedAt = { label: cellLabel(cell), error: result.error };
    } else {
      report.outcome = 'cancelled';
      report.notReached.unshift(cellLabel(cell));
    }
    break;
  }

  emit(report.outcome, report.replayed, {
    ...(stoppedAt ? { cellId: stoppedAt } : {}),
    ...(report.failedAt ? { error: report.failedAt.error } : {}),
  });
  const notice = restoreNotice(report);
  options.notice(notice.level, notice.text);
  return report;
}

/** What the report keeps of a checkpoint restore: which variables came back from it, which must be rebuilt. */
function checkpointReport(loaded: CheckpointRestore): NonNullable<RestoreReport['checkpoint']> {
  const { result } = loaded;
  return {
    label: cellLabel(loaded.cell),
    cellId: loaded.cell.id,
    restored: [...result.restored, ...result.kept].sort(),
    rebuilt: result.missing.filter((entry) => !result.unknown.includes(entry.name)).map((entry) => entry.name),
    missing: result.missing.filter((entry) => result.unknown.includes(entry.name)).map((entry) => `${entry.name} (${entry.reason})`),
    ms: Math.round(result.ms),
    ...(result.files ? { files: { written: result.files.written.length, deleted: result.files.deleted.length, left: result.files.left.map((entry) => entry.path) } } : {}),
  };
}

type ReplayOutcome =
  | { status: 'ok' }
  /** The cell failed now: `error` says why (`NameError: name 'df' is not defined`). */
  | { status: 'error'; error: string }
  /** Cancelled, or interrupted by the person (KeyboardInterrupt). */
  | { status: 'cancelled' };

/** What a replayed cell's run means for the restore. */
function replayOutcome(result: RunResult): ReplayOutcome {
  if (result.stop === 'cancelled') return { status: 'cancelled' };
  if (result.stop === 'timeout') return { status: 'error', error: result.failure ?? 'Stopped after the cell time limit.' };
  switch (result.status) {
    case 'ok':
      return { status: 'ok' };
    case 'interrupted':
      return { status: 'cancelled' };
    case 'error': {
      const reason = result.error ? `${result.error.ename}: ${result.error.evalue}`.replace(/: $/, '') : undefined;
      return { status: 'error', error: result.failure ?? reason ?? 'The cell failed.' };
    }
  }
}
