import { z } from 'zod';
import { output } from './outputs.ts';

export const cellStatus = z.enum(['queued', 'running', 'ok', 'error', 'interrupted']);
export type CellStatus = z.infer<typeof cellStatus>;

export const author = z.enum(['user', 'assistant']);
export type Author = z.infer<typeof author>;

const base = {
  id: z.string(),
  createdAt: z.string(),
};

/**
 * Who a cell is for (issue 17): the person who ran a code cell, or who asked the question a
 * question cell, the assistant's answer and its code cells come from. `name` is the display
 * name at that time. Absent on cells from before accounts, imported cells and notices.
 */
export const cellBy = z.object({ userId: z.string(), name: z.string() });
export type CellBy = z.infer<typeof cellBy>;

export const userCell = z.object({ ...base, kind: z.literal('user'), text: z.string(), by: cellBy.optional() });

export const assistantCell = z.object({ ...base, kind: z.literal('assistant'), text: z.string(), by: cellBy.optional() });

/**
 * The kernel checkpoint saved after a code cell ran without error (issue 19): what it wrote,
 * what the cell did to the workspace's files, and what could not be saved. `failed`: the
 * checkpoint could not be written (the cell still succeeded; `message` says why).
 */
export const cellCheckpoint = z.object({
  status: z.enum(['saved', 'partial', 'failed']),
  /** The checkpoint's id (sortable by age), when one was saved. */
  id: z.string().optional(),
  message: z.string().optional(),
  /** Bytes this checkpoint added to the folder, and the folder's total after it. */
  bytesWritten: z.number().int().min(0).optional(),
  totalBytes: z.number().int().min(0).optional(),
  /** What the cell did to the workspace: created, changed, deleted files (paths). */
  files: z.object({ created: z.array(z.string()), changed: z.array(z.string()), deleted: z.array(z.string()), notKept: z.array(z.string()).optional() }).optional(),
  /** Variables the checkpoint could not hold, and why (an open file, a generator, …). */
  unsaved: z.array(z.object({ name: z.string(), reason: z.string() })).optional(),
  ms: z.number().min(0).optional(),
});
export type CellCheckpoint = z.infer<typeof cellCheckpoint>;

export const codeCell = z.object({
  ...base,
  kind: z.literal('code'),
  source: z.string(),
  author,
  /** Who ran it last (`author: 'user'`), or who asked the question the assistant wrote it for. */
  by: cellBy.optional(),
  status: cellStatus,
  executionCount: z.number().int().nullable(),
  outputs: z.array(output),
  /** When the last run started and ended (ISO), for the elapsed-time display. */
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  /** Set when stored output hit the per-cell cap; the rest was dropped. */
  outputTruncated: z.boolean().optional(),
  /** Why the cell failed outside the kernel's own errors (kernel died, timed out, …). */
  failure: z.string().optional(),
  /** Skip this cell when replaying history to restore kernel state. */
  noReplay: z.boolean().optional(),
  /**
   * From an imported notebook and not run here yet: its outputs and author are the notebook's
   * word, not this conversation's, and a restore never replays it. Running it clears the mark.
   */
  imported: z.boolean().optional(),
  /**
   * The names this cell's code defines and reads (its last run; Python, from the `ast` in the
   * kernel). `all`: it reaches the namespace in ways the `ast` cannot see (`exec`, `globals()`,
   * `from m import *`, magics), so it counts as defining and reading every name.
   */
  names: z.object({ defines: z.array(z.string()), reads: z.array(z.string()), all: z.boolean().optional() }).optional(),
  /**
   * An earlier cell ran again and changed names this cell read: its outputs may no longer hold.
   * Re-running it clears the mark. `staleBecause` says which cell and which names.
   */
  stale: z.boolean().optional(),
  staleBecause: z.object({ cellId: z.string(), names: z.array(z.string()) }).optional(),
  /**
   * The person edited this cell the assistant wrote: the assistant's code (`before`), when, and
   * whether the outputs came out different. The assistant is told at its next question.
   */
  edited: z.object({ before: z.string(), at: z.string(), outputChanged: z.boolean() }).optional(),
  /** The kernel checkpoint saved after the cell's last run (see `cellCheckpoint`). */
  checkpoint: cellCheckpoint.optional(),
  /**
   * Undone: the kernel went back to the checkpoint before this cell. It stays in the history,
   * shown greyed, is never replayed and is exported as a note.
   */
  undone: z.boolean().optional(),
});

/** Something Talkbook itself says in the conversation: kernel restarted, state lost, limits. */
export const noticeCell = z.object({
  ...base,
  kind: z.literal('notice'),
  level: z.enum(['info', 'warning', 'error']),
  text: z.string(),
  /** A conversation the notice points to (a branch says where it branched from), and a cell in it. */
  link: z.object({ conversationId: z.string(), cellId: z.string().optional(), title: z.string() }).optional(),
});

export const cell = z.discriminatedUnion('kind', [userCell, assistantCell, codeCell, noticeCell]);

export type UserCell = z.infer<typeof userCell>;
export type AssistantCell = z.infer<typeof assistantCell>;
export type CodeCell = z.infer<typeof codeCell>;
export type NoticeCell = z.infer<typeof noticeCell>;
export type Cell = z.infer<typeof cell>;
