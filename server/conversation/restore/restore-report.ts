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
  /**
   * The checkpoint loaded before replaying (issue 19): the cell it was saved after, the
   * variables that came back from it, those the replay had to rebuild (an open file, a
   * connection: `replayed` counts the cells), those nobody can rebuild (with why), how long it
   * took, and with a branch, the files put back.
   */
  checkpoint?: {
    label: string;
    cellId: string;
    restored: string[];
    rebuilt: string[];
    missing: string[];
    ms: number;
    files?: { written: number; deleted: number; left: string[] };
  };
}

const cells = (n: number) => `${n} code cell${n === 1 ? '' : 's'}`;

const names = (list: readonly string[], max = 8) => `${list.slice(0, max).map((name) => `\`${name}\``).join(', ')}${list.length > max ? ', …' : ''}`;

function checkpointText(report: RestoreReport, checkpoint: NonNullable<RestoreReport['checkpoint']>): string {
  const count = checkpoint.restored.length;
  const parts = [
    `Restored the kernel state${report.automatic ? ' automatically' : ''} from the checkpoint saved after ${checkpoint.label}: ` +
      `${count} variable${count === 1 ? '' : 's'} back in ${(checkpoint.ms / 1000).toFixed(1)} s${count ? ` (${names(checkpoint.restored)})` : ''}` +
      (report.total ? `, then replayed ${cells(report.replayed)}${checkpoint.rebuilt.length ? ` to rebuild ${names(checkpoint.rebuilt)} and what ran after it` : ''}.` : ', without replaying anything.'),
  ];
  if (checkpoint.missing.length) parts.push(`Not restored: ${checkpoint.missing.slice(0, 5).join('; ')}.`);
  if (checkpoint.files) {
    parts.push(`Workspace files put back: ${checkpoint.files.written} written, ${checkpoint.files.deleted} deleted${checkpoint.files.left.length ? `; left as they are (too big to keep): ${checkpoint.files.left.slice(0, 5).join(', ')}` : ''}.`);
  }
  return parts.join(' ');
}

/** What the conversation says (as a notice) when a restore ends. */
export function restoreNotice(report: RestoreReport): { level: NoticeCell['level']; text: string } {
  const parts: string[] = [];
  const { checkpoint } = report;
  switch (report.outcome) {
    case 'done':
      if (checkpoint) {
        parts.push(checkpointText(report, checkpoint));
        break;
      }
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
