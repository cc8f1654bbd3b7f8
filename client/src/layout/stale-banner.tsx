import type { Cell } from '../protocol.ts';
import { Icon } from '../ui/icons.tsx';

export interface StaleBannerProps {
  cells: readonly Cell[];
  busy: boolean;
  onRunStale: () => void;
}

/** Says how many code cells are stale (an earlier cell they read from ran again) and offers to run them, in order. */
export function StaleBanner({ cells, busy, onRunStale }: StaleBannerProps) {
  const stale = cells.filter((cell) => cell.kind === 'code' && cell.stale).length;
  if (!stale) return null;
  return (
    <div className="restore-banner stale-banner" role="status">
      <span className="restore-text">
        {stale === 1 ? 'One cell is stale' : `${stale} cells are stale`}: an earlier cell they read from ran again, so their outputs may no longer hold.
      </span>
      <button type="button" className="button small" onClick={onRunStale} disabled={busy} title="Run the stale cells again, in order">
        <Icon name="play" />
        Run stale cells
      </button>
    </div>
  );
}
