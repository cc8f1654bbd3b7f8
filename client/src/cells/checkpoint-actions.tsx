import { createContext, useContext } from 'react';

/**
 * What a code cell's menu can do with kernel checkpoints (issue 19), given by the conversation
 * page: undo the conversation's last cell (the socket's `undo`), branch a new conversation at a
 * cell (`POST /branch`, then open it). Absent (the mock, a read-only view): no such items.
 */
export interface CheckpointActions {
  /** The open conversation (for download links of the files a cell wrote). */
  conversationId: string;
  /** The cell `undo` would undo: the last code cell not undone. */
  undoableCellId: string | undefined;
  /** Undo is refused while a request runs (it is a turn of its own, queued otherwise). */
  busy: boolean;
  undo(): void;
  branch(cellId: string): void;
}

export const CheckpointActionsContext = createContext<CheckpointActions | undefined>(undefined);

export function useCheckpointActions(): CheckpointActions | undefined {
  return useContext(CheckpointActionsContext);
}
