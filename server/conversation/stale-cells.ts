import type { CellNames } from '../kernel/cell-names.ts';
import type { Cell, CodeCell } from '../protocol/index.ts';
import type { Conversation } from './conversation.ts';

/** What one later cell read of the names a re-run cell (or the cells it made stale) changed. */
export interface StaleMark {
  cellId: string;
  /** The re-run cell whose change reached it. */
  because: string;
  names: string[];
}

/**
 * Which later code cells a re-run of `changedId` makes stale: every later cell that reads a
 * name it defines, and, transitively, every later cell reading a name one of those defines.
 * A cell whose names are unknown (never analysed: another language, run before Talkbook
 * tracked names) is left alone; a cell marked `all` (exec, globals(), star imports) defines
 * and reads every name. Pure.
 */
export function staleAfter(cells: readonly Cell[], changedId: string): StaleMark[] {
  const start = cells.findIndex((cell) => cell.id === changedId);
  const changed = cells[start];
  if (changed?.kind !== 'code' || !changed.names) return [];
  const defined = new Set(changed.names.defines);
  let everything = changed.names.all === true;
  const marks: StaleMark[] = [];
  for (const cell of cells.slice(start + 1)) {
    if (cell.kind !== 'code' || !cell.names || cell.executionCount === null) continue;
    const { reads, defines, all } = cell.names;
    // A cell that reaches every name reads whatever changed; after one that defines every name, any read counts.
    const hit = all ? [...defined] : everything ? reads : reads.filter((name) => defined.has(name));
    if (!hit.length && !(all && everything)) continue;
    marks.push({ cellId: cell.id, because: changedId, names: [...new Set(hit)].sort().slice(0, 20) });
    for (const name of defines) defined.add(name);
    if (all) everything = true;
  }
  return marks;
}

/**
 * A conversation's stale marks: the names each code cell defines and reads are recorded after
 * it runs; a re-run in place marks the later cells that used what it changed (`stale`, with
 * `staleBecause`), and running a cell clears its own mark.
 */
export const staleCells = {
  /** The cell is about to run: its mark goes (running it is what makes its outputs hold again). */
  clear(conversation: Conversation, cellId: string): void {
    const cell = conversation.cell(cellId);
    if (cell?.kind === 'code' && (cell.stale || cell.staleBecause)) conversation.updateCell<CodeCell>(cellId, { stale: undefined, staleBecause: undefined });
  },

  /** What the cell's code defines and reads, from its last run (undefined: unknown). */
  record(conversation: Conversation, cellId: string, names: CellNames | undefined): void {
    const cell = conversation.cell(cellId);
    if (cell?.kind !== 'code') return;
    conversation.updateCell<CodeCell>(cellId, { names });
  },

  /** `cellId` ran again in place: mark the later cells it changed the inputs of. Returns their ids. */
  propagate(conversation: Conversation, cellId: string): string[] {
    const marks = staleAfter(conversation.cells, cellId);
    for (const mark of marks) {
      const cell = conversation.cell(mark.cellId);
      if (cell?.kind !== 'code') continue;
      conversation.updateCell<CodeCell>(mark.cellId, { stale: true, staleBecause: { cellId: mark.because, names: mark.names } });
    }
    return marks.map((mark) => mark.cellId);
  },
};
