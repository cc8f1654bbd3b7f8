import { createContext, useContext } from 'react';
import type { StdinPrompt } from '../protocol.ts';

/** What code cells need from the live conversation beyond their own data: the waiting prompt, stale re-runs. */
export interface LiveCells {
  /** The prompt a running cell waits on, if any. */
  stdin: StdinPrompt | undefined;
  /** Send the answer to the prompt of `cellId` (`stdin_reply`). */
  answer: (cellId: string, value: string) => void;
}

export const LiveCellsContext = createContext<LiveCells>({ stdin: undefined, answer: () => {} });

export function useLiveCells(): LiveCells {
  return useContext(LiveCellsContext);
}
