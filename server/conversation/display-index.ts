import { displayIdOf, type Cell } from '../protocol/index.ts';

/**
 * Display id → the code cells holding an output with it, for `update_display_data` from any
 * later cell (JupyterLab keeps such a map per notebook). Built from the cells on first use, then
 * kept up to date by `add`.
 */
export class DisplayIndex {
  private readonly cells: () => readonly Cell[];
  private index: Map<string, Set<string>> | undefined;

  constructor(cells: () => readonly Cell[]) {
    this.cells = cells;
  }

  /** The cells holding an output with `displayId` (a cell gone since may still be listed: callers drop it). */
  cellsOf(displayId: string): Set<string> | undefined {
    return this.built().get(displayId);
  }

  add(displayId: string, cellId: string): void {
    const index = this.built();
    let cells = index.get(displayId);
    if (!cells) index.set(displayId, (cells = new Set()));
    cells.add(cellId);
  }

  private built(): Map<string, Set<string>> {
    if (!this.index) {
      this.index = new Map();
      for (const cell of this.cells()) {
        if (cell.kind !== 'code') continue;
        for (const output of cell.outputs) {
          const id = displayIdOf(output);
          if (id) this.add(id, cell.id);
        }
      }
    }
    return this.index;
  }
}
