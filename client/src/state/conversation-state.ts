import type { Cell, ConversationDetail, KernelState } from '../protocol.ts';

/** A message shown to the person for a while: an `error` frame or a failed turn. */
export interface Toast {
  key: number;
  level: 'error' | 'info';
  text: string;
}

/** Everything the page knows about the open conversation, built from the GET and the frames. */
export interface ConversationState {
  id: string;
  title: string;
  kernel: string;
  kernelState: KernelState | undefined;
  cells: readonly Cell[];
  /** The last `seq` applied; frames at or below it are duplicates (except `error`). */
  seq: number;
  /** Turns that started and have not ended. */
  activeTurns: readonly string[];
  /** Cells with a `clear_output(wait=true)` pending: cleared when their next output arrives. */
  pendingClear: Readonly<Record<string, boolean>>;
  toasts: readonly Toast[];
  nextToastKey: number;
}

export function initialState(detail: ConversationDetail): ConversationState {
  return {
    id: detail.id,
    title: detail.title,
    kernel: detail.kernel,
    kernelState: detail.kernelState,
    cells: detail.cells,
    seq: detail.seq,
    activeTurns: [],
    pendingClear: {},
    toasts: [],
    nextToastKey: 1,
  };
}

/** A turn is running, or a code cell is still queued or running (e.g. after a reload). */
export function isBusy(state: ConversationState): boolean {
  return (
    state.activeTurns.length > 0 ||
    state.cells.some((cell) => cell.kind === 'code' && (cell.status === 'running' || cell.status === 'queued'))
  );
}
