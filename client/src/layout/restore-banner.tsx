import type { Cell } from '../protocol.ts';
import type { RestoreProgress } from '../state/conversation-state.ts';
import { Icon } from '../ui/icons.tsx';

export interface RestoreBannerProps {
  stateLost: boolean;
  restore: RestoreProgress | undefined;
  cells: readonly Cell[];
  onRestore: () => void;
  onCancel: () => void;
}

/**
 * "The kernel's variables are gone · Restore state" while state is lost; "Restoring state · k of
 * n" with a progress bar and Cancel while a restore replays the history; where and why the last
 * restore stopped, if it did.
 */
export function RestoreBanner({ stateLost, restore, cells, onRestore, onCancel }: RestoreBannerProps) {
  const running = restore?.state === 'started' || restore?.state === 'progress';
  if (running) {
    const current = restore.state === 'progress' ? Math.min(restore.done + 1, restore.total) : 0;
    return (
      <div className="restore-banner restoring" role="status">
        <span className="spinner" aria-hidden="true" />
        <span className="restore-text">
          Restoring state · <strong>{restore.done} of {restore.total}</strong>
          {current && restore.cellId ? <span className="restore-cell"> · replaying {cellLine(cells, restore.cellId)}</span> : null}
        </span>
        <progress max={Math.max(restore.total, 1)} value={restore.done} aria-label={`Restoring state: ${restore.done} of ${restore.total} cells`} />
        <button type="button" className="button small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    );
  }
  if (!stateLost) return null;
  return (
    <div className={`restore-banner${restore?.state === 'failed' ? ' restore-failed' : ''}`} role="status">
      <Icon name="restart" />
      <span className="restore-text">{lostText(restore, cells)}</span>
      {restore?.cellId ? (
        <button type="button" className="button small ghost" onClick={() => showCell(restore.cellId!)}>
          Show cell
        </button>
      ) : null}
      <button type="button" className="button small primary" onClick={onRestore} title="Start a fresh kernel and replay the code cells that ran without error, in order">
        {restore?.state === 'failed' || restore?.state === 'cancelled' ? 'Restore again' : 'Restore state'}
      </button>
    </div>
  );
}

function lostText(restore: RestoreProgress | undefined, cells: readonly Cell[]): string {
  switch (restore?.state) {
    case 'failed':
      return restore.cellId
        ? `Restore stopped at ${cellLine(cells, restore.cellId)}: ${restore.error ?? 'it failed'}. What the ${cellCount(restore.done)} before it defined is back.`
        : `Restore failed: ${restore.error ?? 'unknown error'}.`;
    case 'cancelled':
      return `Restore cancelled after ${restore.done} of ${cellCount(restore.total)}.`;
    default:
      // Restarted, shut down, crashed, or the cells came from an imported notebook.
      return 'The kernel doesn’t hold what earlier cells defined. Replay the cells that ran without error to rebuild it.';
  }
}

const cellCount = (n: number) => `${n} cell${n === 1 ? '' : 's'}`;

/** The cell's first non-empty line, for saying which cell. */
function cellLine(cells: readonly Cell[], cellId: string): string {
  const cell = cells.find((candidate) => candidate.id === cellId);
  if (!cell || cell.kind !== 'code') return 'a cell';
  const line = cell.source.split('\n').find((text) => text.trim())?.trim() ?? '';
  return `“${line.length > 48 ? `${line.slice(0, 47)}…` : line}”`;
}

function showCell(cellId: string): void {
  const element = document.querySelector(`[data-cell-id="${CSS.escape(cellId)}"]`);
  element?.scrollIntoView({ block: 'center', behavior: 'smooth' });
}
