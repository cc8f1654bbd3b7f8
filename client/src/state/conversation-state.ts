import type { Cell, ConversationDetail, KernelState, RestoreState, StdinPrompt } from '../protocol.ts';

/** A message shown to the person for a while: an `error` frame or a failed turn. */
export interface Toast {
  key: number;
  level: 'error' | 'info';
  text: string;
}

/** The latest restore of kernel state, from its `restore` frames. */
export interface RestoreProgress {
  turnId: string;
  state: RestoreState;
  /** Cells replayed so far, of `total`. */
  done: number;
  total: number;
  /** The cell being replayed (`progress`), or where it stopped (`failed`, `cancelled`). */
  cellId?: string;
  /** Cells marked not to replay that this restore leaves out. */
  skipped: readonly string[];
  error?: string;
}

/** Everything the page knows about the open conversation, built from the GET and the frames. */
export interface ConversationState {
  id: string;
  title: string;
  kernel: string;
  kernelState: KernelState | undefined;
  /** The kernel lost what the conversation's code built: offer "Restore state". */
  stateLost: boolean;
  /** Why changes are not reaching the server's store (it keeps trying), while they are not. */
  storageError: string | undefined;
  restore: RestoreProgress | undefined;
  /** A running cell waits for a line of input (`input()`, `getpass()`). */
  stdin: StdinPrompt | undefined;
  cells: readonly Cell[];
  /** The last `seq` applied; frames at or below it are duplicates (except `error`). */
  seq: number;
  /** Turns that started and have not ended. */
  activeTurns: readonly string[];
  /** Cells with a `clear_output(wait=true)` pending: cleared when their next output arrives. */
  pendingClear: Readonly<Record<string, boolean>>;
  toasts: readonly Toast[];
  nextToastKey: number;
  /** What the signed-in person is to it (accounts): a viewer reads but cannot run, ask or upload. */
  access: 'owner' | 'editor' | 'viewer';
}

export function initialState(detail: ConversationDetail): ConversationState {
  return {
    id: detail.id,
    title: detail.title,
    kernel: detail.kernel,
    kernelState: detail.kernelState,
    stateLost: detail.stateLost ?? false,
    storageError: detail.storageError,
    restore: undefined,
    stdin: detail.stdin,
    cells: detail.cells,
    seq: detail.seq,
    activeTurns: [],
    pendingClear: {},
    toasts: [],
    nextToastKey: 1,
    access: detail.access ?? 'owner',
  };
}

/** A restore is replaying cells right now. */
export function isRestoring(state: ConversationState): boolean {
  return state.restore?.state === 'started' || state.restore?.state === 'progress';
}

/** The cell a restore is replaying now, or where the last restore failed while state is still lost. */
export function replayMark(state: ConversationState): { cellId: string; kind: 'replaying' | 'failed' } | undefined {
  const { restore } = state;
  if (!restore?.cellId) return undefined;
  if (restore.state === 'progress') return { cellId: restore.cellId, kind: 'replaying' };
  if (restore.state === 'failed' && state.stateLost) return { cellId: restore.cellId, kind: 'failed' };
  return undefined;
}

/** A turn is running, or a code cell is still queued or running (e.g. after a reload). */
export function isBusy(state: ConversationState): boolean {
  return (
    state.activeTurns.length > 0 ||
    state.cells.some((cell) => cell.kind === 'code' && (cell.status === 'running' || cell.status === 'queued'))
  );
}
