import type { Cell } from '../protocol/index.ts';
import { NBFORMAT, NBFORMAT_MINOR, notebookCell, notebookMetadata, type NotebookMeta } from './to-notebook.ts';

/**
 * `toNotebook` as JSON text in pieces, one cell per piece, so a huge conversation is never one
 * giant string: `JSON.parse([...notebookJson(cells, meta)].join(''))` equals
 * `toNotebook(cells, meta)`. Indented like Jupyter's files (one space), so diffs stay readable.
 */
export function* notebookJson(cells: Iterable<Cell>, meta: NotebookMeta): Generator<string> {
  const ids = new Set<string>();
  yield '{\n "cells": [';
  let first = true;
  for (const cell of cells) {
    yield `${first ? '' : ','}\n  ${indent(JSON.stringify(notebookCell(cell, ids), null, 1), '  ')}`;
    first = false;
  }
  yield `${first ? '' : '\n '}],\n "metadata": ${indent(JSON.stringify(notebookMetadata(meta), null, 1), ' ')},\n`;
  yield ` "nbformat": ${NBFORMAT},\n "nbformat_minor": ${NBFORMAT_MINOR}\n}\n`;
}

/** `notebookJson` as a UTF-8 byte stream that produces the next cell only when asked. */
export function notebookStream(cells: Iterable<Cell>, meta: NotebookMeta): ReadableStream<Uint8Array> {
  const pieces = notebookJson(cells, meta);
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = pieces.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    cancel() {
      pieces.return(undefined);
    },
  });
}

function indent(json: string, prefix: string): string {
  return json.replace(/\n/g, `\n${prefix}`);
}
