import type { StateInfo } from '../conversation/turn-context.ts';
import { assertNever } from '../protocol/index.ts';

const MAX_LISTED = 10;

/**
 * The system prompt's word on the kernel's state: lost and not restored, or rebuilt by a
 * restore (replaying history), and then which cells were not replayed. Nothing when the kernel
 * simply holds what the conversation ran.
 */
export function stateSection(state: StateInfo | undefined): string | undefined {
  if (!state) return undefined;
  const { restore } = state;
  if (!restore) {
    if (!state.lost) return undefined;
    return (
      "Kernel state: lost. The kernel was restarted or replaced since earlier code in this conversation ran (a server restart, an idle shutdown, a crash or a restart), and it was not restored: " +
      'variables, imports and data from those earlier cells do not exist now, unless code run since defined them again. ' +
      'Re-create what you need (or the person can press "Restore state" to replay the history).'
    );
  }
  const lines: string[] = [];
  const replayed = `${restore.replayed} earlier code cell${restore.replayed === 1 ? '' : 's'}`;
  switch (restore.outcome) {
    case 'done':
      if (restore.checkpoint) {
        const { checkpoint } = restore;
        const list = (names: readonly string[]) => names.slice(0, 30).join(', ') + (names.length > 30 ? ', …' : '');
        lines.push(
          `Kernel state: restored${restore.automatic ? ' automatically' : ''} after it was lost, from the checkpoint saved after ${checkpoint.label}` +
            (restore.replayed ? `, then by replaying ${replayed} (outputs were not shown again).` : ', without replaying any cell.'),
        );
        if (checkpoint.restored.length) lines.push(`Variables that came back from the checkpoint: ${list(checkpoint.restored)}.`);
        if (checkpoint.rebuilt.length) lines.push(`Variables rebuilt by replaying the cells that made them (a checkpoint cannot hold them): ${list(checkpoint.rebuilt)}.`);
        if (checkpoint.missing.length) lines.push(`Not restored at all: ${list(checkpoint.missing)}.`);
        break;
      }
      lines.push(`Kernel state: restored${restore.automatic ? ' automatically' : ''} after it was lost, by replaying ${replayed} in a fresh kernel (outputs were not shown again).`);
      break;
    case 'failed':
      lines.push(
        `Kernel state: only partly restored. The replay of earlier cells stopped at ${restore.failedAt?.label ?? 'a cell'}, which failed with ${restore.failedAt?.error ?? 'an error'}; ` +
          `what the ${replayed} before it built is in effect, nothing after it.`,
      );
      break;
    case 'cancelled':
      lines.push(`Kernel state: only partly restored. The replay was cancelled after ${replayed}; what those built is in effect, nothing after them.`);
      break;
    default:
      return assertNever(restore.outcome);
  }
  const missing = [
    ...restore.skipped.map((label) => `${label} (marked not to replay)`),
    ...(restore.failedAt ? [`${restore.failedAt.label} (failed when replayed)`] : []),
    ...restore.notReached.map((label) => `${label} (not reached)`),
  ];
  if (missing.length) {
    lines.push('Cells that were not replayed, so their effects are missing:');
    lines.push(...missing.slice(0, MAX_LISTED).map((text) => `- ${text}`));
    if (missing.length > MAX_LISTED) lines.push(`- … and ${missing.length - MAX_LISTED} more`);
  }
  if (restore.unsuccessful) lines.push(`Cells whose last run had failed (${restore.unsuccessful}) were not replayed either.`);
  return lines.join('\n');
}
