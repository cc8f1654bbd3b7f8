import type { Cell } from '../protocol.ts';
import { useCellLabels } from './participants.ts';

/** "Ana ran this" on a code cell the person ran, "asked by Ana" on what a question led to. */
export function cellByText(cell: Cell): string | undefined {
  if (cell.kind === 'notice' || !cell.by) return undefined;
  return cell.kind === 'code' && cell.author === 'user' ? `${cell.by.name} ran this` : `asked by ${cell.by.name}`;
}

/** The small label saying who a cell is for, when the conversation has more than one participant. */
export function CellByLabel({ cell }: { cell: Cell }) {
  const labels = useCellLabels();
  const text = cellByText(cell);
  if (!labels || !text) return null;
  return <span className="cell-by">{text}</span>;
}
