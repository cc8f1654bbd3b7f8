import type { Cell, CodeCell } from '../protocol/index.ts';

const MAX_CELLS = 5;
const MAX_DIFF_LINES = 30;

/**
 * A short line diff (`- removed`, `+ added`, unchanged lines left out) from the longest common
 * subsequence of lines; at most `MAX_DIFF_LINES` lines, then "…".
 */
export function lineDiff(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length * b.length > 250_000) return [...a.map((line) => `- ${line}`), ...b.map((line) => `+ ${line}`)].slice(0, MAX_DIFF_LINES);
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) out.push(`- ${a[i++]!}`);
    else out.push(`+ ${b[j++]!}`);
  }
  return out.length > MAX_DIFF_LINES ? [...out.slice(0, MAX_DIFF_LINES), '…'] : out;
}

/**
 * The system prompt's word on the person's edits of the assistant's cells since the previous
 * question: which cell, a short diff of the code, and whether its output changed.
 */
export function editsSection(cells: readonly Cell[]): string | undefined {
  const questions = cells.filter((cell) => cell.kind === 'user');
  // The question being answered is the last one; edits made since the one before it are news.
  const since = questions.length >= 2 ? questions.at(-2)!.createdAt : '';
  const edited = cells.filter((cell): cell is CodeCell & { edited: NonNullable<CodeCell['edited']> } => cell.kind === 'code' && cell.edited !== undefined && cell.edited.at > since);
  if (!edited.length) return undefined;
  const parts = edited.slice(-MAX_CELLS).map((cell) => {
    const name = cell.executionCount !== null ? `cell [${cell.executionCount}]` : 'a cell';
    const outcome = cell.edited.outputChanged ? 'and re-ran it: its output changed' : 'and re-ran it: its output did not change';
    return [`The person edited your code in ${name} ${outcome}. What changed:`, '```diff', ...lineDiff(cell.edited.before, cell.source), '```'].join('\n');
  });
  return ['Edits to your code since the previous question:', ...parts].join('\n');
}
