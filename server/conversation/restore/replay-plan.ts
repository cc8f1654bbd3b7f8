import type { Cell, CodeCell } from '../../protocol/index.ts';

/**
 * A line `# talkbook: no-replay` in a cell's code marks it not to be replayed when state is
 * restored (for code with side effects: sending mail, writing to a database, long downloads).
 * The person and the assistant can both write it; the person can also flip the flag in the UI.
 */
const NO_REPLAY_MARKER = /^[ \t]*#[ \t]*talkbook:[ \t]*no-replay[ \t]*$/m;

export function hasNoReplayMarker(source: string): boolean {
  return NO_REPLAY_MARKER.test(source);
}

/** What a restore would do with the conversation's code cells, in their order. */
export interface ReplayPlan {
  /** Cells whose last run ended without error and that are not marked `noReplay`. */
  replay: CodeCell[];
  /** Cells that ran without error but are marked `noReplay`. */
  skipped: CodeCell[];
  /** Cells whose last run failed, was interrupted, or never finished: never replayed. */
  unsuccessful: CodeCell[];
  /** Cells of an imported notebook never run here: never replayed (someone else's code). */
  imported: CodeCell[];
  /** Cells undone (the kernel went back to the checkpoint before them): never replayed. */
  undone: CodeCell[];
}

export function replayPlan(cells: readonly Cell[]): ReplayPlan {
  const plan: ReplayPlan = { replay: [], skipped: [], unsuccessful: [], imported: [], undone: [] };
  for (const cell of cells) {
    if (cell.kind !== 'code') continue;
    if (cell.undone) plan.undone.push(cell);
    else if (cell.imported) plan.imported.push(cell);
    else if (cell.status !== 'ok') plan.unsuccessful.push(cell);
    else if (cell.noReplay) plan.skipped.push(cell);
    else plan.replay.push(cell);
  }
  return plan;
}

/** Whether some code ran without error, i.e. a kernel that lost its state lost something. */
export function hasRestorableState(cells: readonly Cell[]): boolean {
  return cells.some((cell) => cell.kind === 'code' && cell.status === 'ok' && !cell.imported && !cell.undone);
}

/** Whether a restore replays this cell: it last ran without error here, is not undone nor marked "don't replay". */
export function isReplayable(cell: CodeCell): boolean {
  return cell.status === 'ok' && !cell.imported && !cell.undone && !cell.noReplay;
}

/** A cell as people (and the model) recognize it: its first non-empty line, shortened. */
export function cellLabel(cell: CodeCell, maxChars = 60): string {
  const line = cell.source.split('\n').find((text) => text.trim() && !NO_REPLAY_MARKER.test(text))?.trim() ?? '';
  const short = line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line;
  return `\`${short.replace(/`/g, "'")}\``;
}
