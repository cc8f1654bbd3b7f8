import { z } from 'zod';
import { BadRequestError } from '../errors.ts';
import { author, jsonTextDepthWithin, MAX_JSON_DEPTH, noticeCell, outputWeight, type Cell, type Output } from '../protocol/index.ts';
import { notebookV4, type NotebookV4, type NotebookV4Cell, type NotebookV4Output } from './nbformat-schema.ts';

export interface ImportedNotebook {
  /** `metadata.title`, if the notebook has one. */
  title?: string;
  /** `metadata.kernelspec.name`, if the notebook has one (it may not exist here). */
  kernelName?: string;
  cells: Cell[];
}

const role = z.enum(['user', 'assistant', 'notice', 'undone']);
const talkbookMeta = z
  .object({ role: role.optional().catch(undefined), author: author.optional().catch(undefined), level: noticeCell.shape.level.optional().catch(undefined) })
  .catch({});
const notebookMeta = z
  .object({
    title: z.string().trim().min(1).max(200).optional().catch(undefined),
    kernelspec: z.object({ name: z.string().min(1).max(100) }).optional().catch(undefined),
  })
  .catch({});

/** Parse and validate `.ipynb` text; `BadRequestError` saying why it is not a v4 notebook. */
export function parseNotebook(text: string): NotebookV4 {
  // Checked before parsing: a value nested thousands deep would overflow the stack later.
  if (!jsonTextDepthWithin(text, MAX_JSON_DEPTH + 8)) {
    throw new BadRequestError(`This notebook nests its JSON more than ${MAX_JSON_DEPTH} levels deep; Talkbook does not read it.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(`This is not a notebook: the file is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new BadRequestError('This is not a notebook: the file is not a JSON object.');
  const version = (raw as { nbformat?: unknown }).nbformat;
  if (typeof version === 'number' && version !== 4) {
    throw new BadRequestError(
      `This notebook is nbformat ${version}; Talkbook reads nbformat 4. Convert it with \`jupyter nbconvert --to notebook --nbformat 4\`.`,
    );
  }
  const parsed = notebookV4.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || 'notebook'}: ${issue.message}`);
    const more = parsed.error.issues.length > 5 ? ` (and ${parsed.error.issues.length - 5} more)` : '';
    throw new BadRequestError(`This is not a valid nbformat 4 notebook: ${issues.join('; ')}${more}.`);
  }
  return parsed.data;
}

/**
 * A validated notebook as conversation cells. Markdown (and raw) cells become messages by
 * `metadata.talkbook.role` — `user` when there is none, since a notebook's prose is its
 * author's; code cells keep source, outputs (up to the per-cell cap) and execution count, with
 * status `error` when an output is an error and author from `metadata.talkbook.author` (default
 * `user`), and are marked `imported`: not run here, so never replayed until they are.
 */
export function fromNotebook(notebook: NotebookV4, options: { newId: () => string; now: string; maxCellOutputBytes?: number }): ImportedNotebook {
  const meta = notebookMeta.parse(notebook.metadata);
  const cells = notebook.cells.map((cell) => toCell(cell, options));
  return {
    ...(meta.title ? { title: meta.title } : {}),
    ...(meta.kernelspec ? { kernelName: meta.kernelspec.name } : {}),
    cells,
  };
}

function toCell(cell: NotebookV4Cell, { newId, now, maxCellOutputBytes }: { newId: () => string; now: string; maxCellOutputBytes?: number }): Cell {
  const talkbook = talkbookMeta.parse(cell.metadata.talkbook ?? {});
  const base = { id: newId(), createdAt: now };
  if (cell.cell_type !== 'code') {
    const kind = talkbook.role ?? 'user';
    if (kind === 'notice') return { ...base, kind, level: talkbook.level ?? 'info', text: cell.source };
    // A cell undone where the notebook came from comes back as the note it was exported as.
    if (kind === 'undone') return { ...base, kind: 'notice', level: 'info', text: cell.source };
    return { ...base, kind, text: cell.source };
  }
  const all = cell.outputs.map(toOutput);
  // Imported outputs are charged to the per-cell cap like any others.
  const outputs: Output[] = [];
  let used = 0;
  for (const output of all) {
    used += outputWeight(output);
    if (maxCellOutputBytes !== undefined && used > maxCellOutputBytes) break;
    outputs.push(output);
  }
  return {
    ...base,
    kind: 'code',
    source: cell.source,
    author: talkbook.author ?? 'user',
    status: all.some((output) => output.output_type === 'error') ? 'error' : 'ok',
    executionCount: cell.execution_count,
    outputs,
    // Someone else's code, not run here: never replayed before it is (see replayPlan).
    imported: true,
    ...(outputs.length < all.length ? { outputTruncated: true } : {}),
  };
}

function toOutput(output: NotebookV4Output): Output {
  switch (output.output_type) {
    case 'stream':
      return { output_type: 'stream', name: output.name === 'stderr' ? 'stderr' : 'stdout', text: output.text };
    case 'display_data':
      return { output_type: 'display_data', data: output.data, metadata: output.metadata };
    case 'execute_result':
      return { output_type: 'execute_result', execution_count: output.execution_count, data: output.data, metadata: output.metadata };
    case 'error':
      return output;
  }
}
