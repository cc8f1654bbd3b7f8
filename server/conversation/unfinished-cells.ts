import type { StoredConversation } from '../store/store.ts';

/** A stored conversation as it is loaded: with the cells that did not finish when the last server stopped. */
export type LoadedConversation = StoredConversation & {
  /** Queued or running when the server stopped: marked interrupted at load. */
  interrupted?: string[];
  /** The running cell whose execution goes on in a kernel this server reattaches to: followed. */
  following?: { cellId: string; msgId: string };
};

/**
 * Which cells were queued or running when the server stopped (they did not finish), but the
 * running one when its execution (`runningMsgId`, recorded with the kernel) goes on in a kernel
 * this server reattaches to: that one is followed.
 */
export function markInterrupted(stored: StoredConversation, runningMsgId?: string): LoadedConversation & { interrupted: string[] } {
  const unfinished = stored.cells.filter((cell) => cell.kind === 'code' && (cell.status === 'running' || cell.status === 'queued')).map((cell) => cell.id);
  const running = runningMsgId ? stored.cells.find((cell) => cell.kind === 'code' && cell.status === 'running') : undefined;
  if (!running || !runningMsgId) return { ...stored, interrupted: unfinished };
  return { ...stored, interrupted: unfinished.filter((id) => id !== running.id), following: { cellId: running.id, msgId: runningMsgId } };
}
