import { assertNever, type Cell, type CodeCell } from '../protocol/index.ts';
import type { ChatMessage } from '../llm/index.ts';
import { RUN_CODE_TOOL } from './run-code-tool.ts';
import type { ToolMode } from './system-prompt.ts';
import { summarizeCodeCell } from './summarize-cell.ts';
import { cutMiddle } from './text-budget.ts';

export interface HistoryOptions {
  /** Fence tag for code, e.g. `python`. */
  fenceTag: string;
  toolMode: ToolMode;
  /** Characters of output kept per past code cell. Default 1,500. */
  outputBudget?: number;
  /** Characters kept per past message or code source. Default 12,000. */
  entryBudget?: number;
  /** Characters of history sent in all; the oldest messages go first. Default 60,000. */
  totalBudget?: number;
}

type Entry = { role: 'user' | 'assistant'; text: string };

/**
 * The conversation so far as plain user/assistant messages. Every code cell, the person's and
 * the assistant's, becomes text: the assistant's code in its own message as a fenced block with
 * the output in the next user message; the person's code and output in a user message; an
 * imported notebook's code (whoever it claims wrote it) in a user message saying it did not run
 * here. This needs no tool-call ids, survives switching model or tool mode between turns, and works with
 * servers whose chat templates cannot replay tool calls. Consecutive messages of one role are
 * merged, so roles alternate as strict templates demand.
 */
export function historyMessages(cells: readonly Cell[], options: HistoryOptions): ChatMessage[] {
  const entryBudget = options.entryBudget ?? 12_000;
  const entries: Entry[] = cells.flatMap((cell) => cellEntries(cell, options, entryBudget));
  const kept = keepNewest(entries, options.totalBudget ?? 60_000);
  return merge(kept).map((entry) => ({ role: entry.role, content: entry.text }));
}

function cellEntries(cell: Cell, options: HistoryOptions, budget: number): Entry[] {
  switch (cell.kind) {
    case 'user':
      return [{ role: 'user', text: cutMiddle(cell.text, budget) }];
    case 'assistant':
      return cell.text.trim() ? [{ role: 'assistant', text: cutMiddle(cell.text, budget) }] : [];
    case 'code':
      return codeEntries(cell, options, budget);
    case 'notice':
      return [{ role: 'user', text: `[Note from Talkbook, not from the person (${cell.level}): ${cell.text}]` }];
    default:
      return assertNever(cell);
  }
}

function codeEntries(cell: CodeCell, options: HistoryOptions, budget: number): Entry[] {
  const code = '```' + options.fenceTag + '\n' + cutMiddle(cell.source, budget).replace(/\n+$/, '') + '\n```';
  const output = summarizeCodeCell(cell, { budget: options.outputBudget ?? 1_500 }).text;
  // Someone else's notebook: its author claim is its own, and nothing of it ran in this kernel.
  if (cell.imported) return [{ role: 'user', text: `[From an imported notebook, not run in this kernel yet]\n${code}\n[Its output in that notebook]\n${output}` }];
  switch (cell.author) {
    case 'assistant': {
      const how = options.toolMode === 'tools' ? `[I ran this with ${RUN_CODE_TOOL}]\n` : '';
      return [
        { role: 'assistant', text: `${how}${code}` },
        { role: 'user', text: `[Output of the code above]\n${output}` },
      ];
    }
    case 'user':
      return [{ role: 'user', text: `[I ran this code in the kernel myself]\n${code}\n[Output]\n${output}` }];
    default:
      return assertNever(cell.author);
  }
}

function keepNewest(entries: Entry[], budget: number): Entry[] {
  let total = 0;
  let start = entries.length;
  while (start > 0) {
    const size = entries[start - 1]!.text.length;
    // Always keep the newest entry (the question being asked).
    if (start < entries.length && total + size > budget) break;
    total += size;
    start--;
  }
  if (start === 0) return entries;
  return [{ role: 'user', text: `[${start} earlier messages of this conversation were left out to save space.]` }, ...entries.slice(start)];
}

function merge(entries: Entry[]): Entry[] {
  const merged: Entry[] = [];
  for (const entry of entries) {
    const previous = merged[merged.length - 1];
    if (previous?.role === entry.role) previous.text += `\n\n${entry.text}`;
    else merged.push({ ...entry });
  }
  return merged;
}
