import type { Cell, CellBy, MimeBundle, Output } from '../protocol/index.ts';

/** nbformat 4.5: the version Talkbook writes (cell ids required). */
export const NBFORMAT = 4;
export const NBFORMAT_MINOR = 5;

/** The role a Markdown cell had in the conversation, kept in `metadata.talkbook.role`. */
export type MarkdownRole = 'user' | 'assistant' | 'notice' | 'undone';

export interface NotebookMeta {
  title: string;
  conversationId: string;
  kernelspec: { name: string; display_name: string; language?: string };
  /** `name` always; `version`, `file_extension`, `mimetype` only when the kernel told us. */
  language_info: { name: string; version?: string; file_extension?: string; mimetype?: string };
}

export type NotebookOutput =
  | { output_type: 'stream'; name: string; text: string }
  | { output_type: 'display_data'; data: MimeBundle; metadata: Record<string, unknown> }
  | { output_type: 'execute_result'; execution_count: number | null; data: MimeBundle; metadata: Record<string, unknown> }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

export type NotebookCell =
  | { id: string; cell_type: 'markdown'; metadata: { talkbook: Record<string, unknown> }; source: string }
  | {
      id: string;
      cell_type: 'code';
      metadata: { talkbook: Record<string, unknown> };
      source: string;
      outputs: NotebookOutput[];
      execution_count: number | null;
    };

export interface Notebook {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

const CELL_ID = /^[a-zA-Z0-9-_]{1,64}$/;
const JSON_MIME = /^application\/(.*\+)?json$/;

/**
 * The conversation as an nbformat 4.5 notebook: messages become Markdown cells with their role
 * in `metadata.talkbook.role`, code cells keep source, outputs (without `transient`) and
 * execution counts, with `metadata.talkbook.author`. Pure; see `notebookJson` for streaming.
 */
export function toNotebook(cells: Iterable<Cell>, meta: NotebookMeta): Notebook {
  const ids = new Set<string>();
  return {
    cells: [...cells].map((cell) => notebookCell(cell, ids)),
    metadata: notebookMetadata(meta),
    nbformat: NBFORMAT,
    nbformat_minor: NBFORMAT_MINOR,
  };
}

export function notebookMetadata(meta: NotebookMeta): Record<string, unknown> {
  return {
    kernelspec: meta.kernelspec,
    language_info: meta.language_info,
    title: meta.title,
    talkbook: { conversationId: meta.conversationId },
  };
}

/** One cell; `ids` collects the ids used so far, so each stays unique in the notebook. */
export function notebookCell(cell: Cell, ids: Set<string>): NotebookCell {
  const id = uniqueId(cell.id, ids);
  switch (cell.kind) {
    case 'user':
    case 'assistant':
      return { id, cell_type: 'markdown', metadata: { talkbook: { role: cell.kind, ...byOf(cell) } }, source: cell.text };
    case 'notice':
      return { id, cell_type: 'markdown', metadata: { talkbook: { role: 'notice', level: cell.level } }, source: cell.text };
    case 'code':
      // An undone cell is history, not code to run: a note saying what was undone (issue 19).
      if (cell.undone) {
        const fence = '`'.repeat(Math.max(3, ...[...cell.source.matchAll(/`+/g)].map((m) => m[0].length + 1)));
        return {
          id,
          cell_type: 'markdown',
          metadata: { talkbook: { role: 'undone', author: cell.author, ...byOf(cell) } },
          source: `*Undone in Talkbook (the kernel went back to the state before it):*\n\n${fence}\n${cell.source}\n${fence}`,
        };
      }
      return {
        id,
        cell_type: 'code',
        metadata: { talkbook: { author: cell.author, ...byOf(cell), ...(cell.stale ? { stale: true } : {}) } },
        source: cell.source,
        outputs: cell.outputs.map(notebookOutput),
        execution_count: cell.executionCount,
      };
  }
}

/** `metadata.talkbook.by`: who ran the cell, or who asked for it (issue 17), when known. */
function byOf(cell: { by?: CellBy | undefined }): { by?: CellBy } {
  return cell.by ? { by: { userId: cell.by.userId, name: cell.by.name } } : {};
}

/** An output as nbformat stores it: exactly the required fields, `transient` dropped. */
export function notebookOutput(output: Output): NotebookOutput {
  switch (output.output_type) {
    case 'stream':
      return { output_type: 'stream', name: output.name, text: output.text };
    case 'display_data':
      return { output_type: 'display_data', data: notebookBundle(output.data), metadata: output.metadata ?? {} };
    case 'execute_result':
      return {
        output_type: 'execute_result',
        execution_count: output.execution_count,
        data: notebookBundle(output.data),
        metadata: output.metadata ?? {},
      };
    case 'error':
      return { output_type: 'error', ename: output.ename, evalue: output.evalue, traceback: output.traceback };
  }
}

/** nbformat allows any JSON for `application/*json` types; every other value is text. */
function notebookBundle(data: MimeBundle): MimeBundle {
  const out: MimeBundle = {};
  for (const [mime, value] of Object.entries(data)) {
    if (JSON_MIME.test(mime) || typeof value === 'string') out[mime] = value;
    else if (Array.isArray(value) && value.every((line) => typeof line === 'string')) out[mime] = value.join('');
    else out[mime] = JSON.stringify(value);
  }
  return out;
}

function uniqueId(preferred: string, ids: Set<string>): string {
  const base = CELL_ID.test(preferred) ? preferred : preferred.replace(/[^a-zA-Z0-9-_]/g, '').slice(0, 56) || 'cell';
  let id = base;
  for (let n = 1; ids.has(id); n++) id = `${base.slice(0, 56)}-${n}`;
  ids.add(id);
  return id;
}
