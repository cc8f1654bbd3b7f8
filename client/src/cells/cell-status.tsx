import type { CodeCell } from '../protocol.ts';
import { formatElapsed, useElapsed } from './use-elapsed.ts';

const LABELS: Record<CodeCell['status'], string> = {
  queued: 'Queued',
  running: 'Running',
  ok: 'Done',
  error: 'Error',
  interrupted: 'Interrupted',
};

/** Queued / a spinner with live elapsed time / how long it took and how it ended. */
export function CellStatus({ cell }: { cell: CodeCell }) {
  const running = cell.status === 'running';
  const elapsed = useElapsed(cell.startedAt, cell.endedAt, running);
  return (
    <span className={`cell-status status-${cell.status}`}>
      {running ? <span className="spinner" aria-hidden="true" /> : <span className="status-dot" aria-hidden="true" />}
      <span>{LABELS[cell.status]}</span>
      {elapsed !== undefined && cell.status !== 'queued' ? <span className="elapsed">{formatElapsed(elapsed)}</span> : null}
    </span>
  );
}
