import { createContext, useContext } from 'react';
import type { Cell } from '../protocol.ts';

/**
 * Whether cells say who ran them ("Ana ran this", "asked by Ana"): only when more than one
 * person is in the conversation (it is shared, or cells come from two people), so a notebook
 * one person keeps stays clean.
 */
export const ParticipantsContext = createContext<{ labels: boolean; me?: string | undefined }>({ labels: false });

export function useCellLabels(): boolean {
  return useContext(ParticipantsContext).labels;
}

/** The signed-in person's id, when known: a cell someone else ran is not "You". */
export function useMe(): string | undefined {
  return useContext(ParticipantsContext).me;
}

/** Labels show when the conversation is shared or its cells were run or asked for by two people or more. */
export function showsParticipants(cells: readonly Cell[], shared: boolean): boolean {
  if (shared) return true;
  const people = new Set<string>();
  for (const cell of cells) {
    if (cell.kind !== 'notice' && cell.by) people.add(cell.by.userId);
    if (people.size > 1) return true;
  }
  return false;
}
