import { createContext, useContext } from 'react';

/** Where an output is ("cell [3], output 2"), for names that must tell outputs apart (frame titles). */
export const OutputPlace = createContext<string | undefined>(undefined);

/** `name` with the output's place, e.g. "HTML output (cell [3], output 2)". */
export function useOutputName(name: string): string {
  const place = useContext(OutputPlace);
  return place ? `${name} (${place})` : name;
}
