import { z } from 'zod';
import { cell as cellSchema, type Cell, type Output } from '../protocol/index.ts';
import { externalize, internalize, type Blob } from './output-payloads.ts';
import type { ConversationRow, StoredConversation } from './store.ts';

/** A cell's row: the cell as JSON without its outputs (those are rows of their own). */
export function cellBody(cell: Cell): string {
  if (cell.kind !== 'code') return JSON.stringify(cell);
  const { outputs: _outputs, ...rest } = cell;
  return JSON.stringify(rest);
}

/** The `checkpoint_id` column of a cell's row: the id of the kernel checkpoint saved after its last run. */
export function cellCheckpointId(cell: Cell): string | null {
  return cell.kind === 'code' ? (cell.checkpoint?.id ?? null) : null;
}

export interface OutputRow {
  idx: number;
  body: string;
  blobs: Blob[];
}

/** A code cell's outputs as rows, big payloads moved to blobs. */
export function outputRows(cell: Cell): OutputRow[] {
  if (cell.kind !== 'code') return [];
  return cell.outputs.map((output, idx) => ({ idx, ...bodyOf(output) }));
}

function bodyOf(output: Output): { body: string; blobs: Blob[] } {
  const { json, blobs } = externalize(output);
  return { body: json, blobs };
}

export const conversationRow = z.object({
  id: z.string(),
  title: z.string(),
  kernel: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  seq: z.coerce.number().int(),
  owner_id: z.string().nullable(),
});

export function toConversationRow(row: unknown): ConversationRow {
  const r = conversationRow.parse(row);
  return { id: r.id, title: r.title, kernel: r.kernel, createdAt: r.created_at, updatedAt: r.updated_at, seq: r.seq, ownerId: r.owner_id };
}

/**
 * A conversation from its rows: cells in order, each code cell's outputs in order with their
 * payloads back. Every cell is validated: a row that does not parse is a corrupt store.
 */
export function assembleConversation(
  row: ConversationRow,
  cells: ReadonlyArray<{ id: string; body: string }>,
  outputs: ReadonlyArray<{ cell_id: string; body: string }>,
  blob: (hash: string) => Buffer | undefined,
): StoredConversation {
  const byCell = new Map<string, Output[]>();
  for (const output of outputs) {
    let list = byCell.get(output.cell_id);
    if (!list) byCell.set(output.cell_id, (list = []));
    list.push(internalize(output.body, blob));
  }
  return {
    ...row,
    cells: cells.map(({ id, body }) => {
      const raw = JSON.parse(body) as Record<string, unknown>;
      if (raw.kind === 'code') raw.outputs = byCell.get(id) ?? [];
      return cellSchema.parse(raw);
    }),
  };
}
