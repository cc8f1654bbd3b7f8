import type { NoticeCell } from '../../protocol/index.ts';

/** How the last restore of a conversation's kernel state went. */
export interface RestoreReport {
  outcome: 'done' | 'failed' | 'cancelled';
  /** Started by TALKBOOK_AUTO_RESTORE rather than asked for. */
  automatic: boolean;
  /** Cells replayed without error (their effects are in the kernel), of `total` planned. */
  replayed: number;
  total: number;
  /** Cells marked not to replay, by label (see `cellLabel`). */
  skipped: string[];
  /** The cell that failed when replayed, and why. */
  failedAt?: { label: string; error: string };
  /** Planned cells after the one that failed or where it was cancelled, by label. */
  notReached: string[];
  /** Cells whose last run had failed (or never finished): never replayed. */
  unsuccessful: number;
  /** Cells of an imported notebook never run here: never replayed. */
  imported?: number;
}

const cells = (n: number) => `${n} code cell${n === 1 ? '' : 's'}`;

/** What the conversation says (as a notice) when a restore ends. */
export function restoreNotice(report: RestoreReport): { level: NoticeCell['level']; text: string } {
  const parts: string[] = [];
  switch (report.outcome) {
    case 'done':
      parts.push(
        report.total
          ? `Restored the kernel state${report.automatic ? ' automatically (TALKBOOK_AUTO_RESTORE)' : ''}: replayed ${cells(report.replayed)} in a fresh kernel; the outputs shown are from their earlier runs.`
          : 'Started a fresh kernel: there was no code to replay.',
      );
      break;
    case 'failed':
      parts.push(
        `Restore stopped at ${report.failedAt?.label ?? 'a cell'}, which failed: ${report.failedAt?.error ?? 'unknown error'}. ` +
          `The kernel holds what the ${cells(report.replayed)} before it built${report.notReached.length ? `; ${cells(report.notReached.length)} after it were not replayed` : ''}. ` +
          'Fix that cell or mark it "don\'t replay", then restore again.',
      );
      break;
    case 'cancelled':
      parts.push(`Restore cancelled after ${report.replayed} of ${cells(report.total)}: the kernel holds what those built.`);
      break;
  }
  if (report.skipped.length) {
    const shown = report.skipped.slice(0, 5).join(', ');
    parts.push(`Skipped ${report.skipped.length === 1 ? 'a cell' : `${report.skipped.length} cells`} marked not to replay: ${shown}${report.skipped.length > 5 ? ', …' : ''}.`);
  }
  if (report.unsuccessful) parts.push(`${cells(report.unsuccessful)} whose last run failed ${report.unsuccessful === 1 ? 'was' : 'were'} not replayed.`);
  if (report.imported) {
    parts.push(`${cells(report.imported)} from the imported notebook ${report.imported === 1 ? 'was' : 'were'} not replayed: ${report.imported === 1 ? 'it has' : 'they have'} not run here yet, so run ${report.imported === 1 ? 'it' : 'them'} yourself if you trust ${report.imported === 1 ? 'it' : 'them'}.`);
  }
  return { level: report.outcome === 'failed' ? 'warning' : 'info', text: parts.join(' ') };
}
