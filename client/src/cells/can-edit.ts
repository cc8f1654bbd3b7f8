import { createContext, useContext } from 'react';

/** Whether the person may change the conversation's cells (false for a viewer: no edit, skip, delete or undo). */
export const CanEditContext = createContext(true);

export function useCanEdit(): boolean {
  return useContext(CanEditContext);
}
