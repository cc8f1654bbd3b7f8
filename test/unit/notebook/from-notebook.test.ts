import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../server/errors.ts';
import { fromNotebook, notebookJson, parseNotebook } from '../../../server/notebook/index.ts';
import type { Cell } from '../../../server/protocol/index.ts';
import { meta, sampleCells } from './sample-cells.ts';

let counter = 0;
const options = { newId: () => `id${++counter}`, now: '2024-02-02T00:00:00.000Z' };
const strip = (cells: Cell[]) => cells.map(({ id: _id, createdAt: _at, ...rest }) => rest);

const minimal = (cells: unknown[], metadata: unknown = {}) => JSON.stringify({ nbformat: 4, nbformat_minor: 4, metadata, cells });

describe('import', () => {
  it('turns an export back into the same cells (ids and times are new)', () => {
    const imported = fromNotebook(parseNotebook([...notebookJson(sampleCells, meta)].join('')), options);
    expect(imported.title).toBe('Sales / Q1');
    expect(imported.kernelName).toBe('python3');
    const expected = sampleCells.map((cell) => {
      if (cell.kind !== 'code') return cell;
      const outputs = cell.outputs.map((output) => {
        if (output.output_type !== 'display_data' && output.output_type !== 'execute_result') return output;
        const { transient: _t, ...rest } = output;
        const data = Object.fromEntries(Object.entries(rest.data).map(([k, v]) => [k, Array.isArray(v) ? v.join('') : v]));
        return { ...rest, data };
      });
      // Imported code cells are marked as such: not run here, never replayed until they are.
      return { ...cell, outputs, imported: true };
    });
    expect(strip(imported.cells)).toEqual(strip(expected));
    expect(new Set(imported.cells.map((cell) => cell.id)).size).toBe(imported.cells.length);
  });

  it('joins multiline strings and reads a plain Jupyter notebook sensibly', () => {
    const text = minimal(
      [
        { cell_type: 'markdown', metadata: {}, source: ['# Title\n', 'text'] },
        { cell_type: 'raw', metadata: {}, source: 'raw text' },
        {
          cell_type: 'code',
          metadata: { collapsed: false },
          source: ['import sys\n', 'print(1)'],
          execution_count: 7,
          outputs: [
            { output_type: 'stream', name: 'stdout', text: ['1\n', '2\n'] },
            { output_type: 'execute_result', execution_count: 7, metadata: {}, data: { 'text/html': ['<b>', 'x</b>'], 'application/vnd.custom+json': { k: 1 } } },
          ],
        },
        { cell_type: 'code', metadata: {}, source: 'x', execution_count: null, outputs: [{ output_type: 'error', ename: 'E', evalue: 'v', traceback: [] }] },
      ],
      { kernelspec: { name: 'ir', display_name: 'R' } },
    );
    const imported = fromNotebook(parseNotebook(text), options);
    expect(imported.title).toBeUndefined();
    expect(imported.kernelName).toBe('ir');
    expect(strip(imported.cells)).toEqual([
      { kind: 'user', text: '# Title\ntext' },
      { kind: 'user', text: 'raw text' },
      {
        kind: 'code',
        author: 'user',
        source: 'import sys\nprint(1)',
        status: 'ok',
        executionCount: 7,
        outputs: [
          { output_type: 'stream', name: 'stdout', text: '1\n2\n' },
          { output_type: 'execute_result', execution_count: 7, metadata: {}, data: { 'text/html': '<b>x</b>', 'application/vnd.custom+json': { k: 1 } } },
        ],
        imported: true,
      },
      { kind: 'code', author: 'user', source: 'x', status: 'error', executionCount: null, outputs: [{ output_type: 'error', ename: 'E', evalue: 'v', traceback: [] }], imported: true },
    ]);
  });

  it('keeps imported outputs under the per-cell cap, and refuses JSON nested thousands deep', () => {
    const big = { output_type: 'stream', name: 'stdout', text: 'x'.repeat(600) };
    const text = minimal([{ cell_type: 'code', metadata: {}, source: 'x', execution_count: 1, outputs: [big, big, big] }]);
    const [cell] = fromNotebook(parseNotebook(text), { ...options, maxCellOutputBytes: 1300 }).cells;
    expect(cell).toMatchObject({ kind: 'code', outputTruncated: true });
    expect(cell?.kind === 'code' && cell.outputs.length).toBe(2);
    const deep = minimal([{ cell_type: 'code', metadata: {}, source: 'x', execution_count: 1, outputs: [{ output_type: 'display_data', metadata: {}, data: { 'application/json': 'DEEP' } }] }]).replace(
      '"DEEP"',
      '['.repeat(5000) + ']'.repeat(5000),
    );
    expect(() => parseNotebook(deep)).toThrow(/nests its JSON more than 64 levels deep/);
  });

  it('ignores unknown talkbook metadata instead of failing', () => {
    const imported = fromNotebook(parseNotebook(minimal([{ cell_type: 'markdown', metadata: { talkbook: { role: 'robot' } }, source: 'hi' }])), options);
    expect(imported.cells[0]).toMatchObject({ kind: 'user', text: 'hi' });
  });

  it('says why a file is not a notebook', () => {
    const why = (text: string) => {
      try {
        parseNotebook(text);
      } catch (error) {
        expect(error).toBeInstanceOf(BadRequestError);
        return (error as Error).message;
      }
      throw new Error('expected a BadRequestError');
    };
    expect(why('{"cells": [')).toMatch(/not valid JSON/);
    expect(why('[1, 2]')).toMatch(/not a JSON object/);
    expect(why(JSON.stringify({ nbformat: 3, worksheets: [] }))).toMatch(/nbformat 3; Talkbook reads nbformat 4/);
    expect(why(JSON.stringify({ cells: [] }))).toMatch(/nbformat/);
    expect(why(minimal([{ cell_type: 'code', metadata: {}, source: 'x', outputs: [] }]))).toMatch(/cells\.0\.execution_count/);
    expect(why(minimal([{ cell_type: 'code', metadata: {}, source: 'x', execution_count: 1, outputs: [{ output_type: 'stream', text: 'x' }] }]))).toMatch(
      /cells\.0\.outputs\.0\.name/,
    );
    expect(why(minimal([{ cell_type: 'markdown', id: 'bad id!', metadata: {}, source: '' }]))).toMatch(/cells\.0\.id/);
    expect(why(minimal([{ cell_type: 'code', metadata: {}, source: 'x', execution_count: 1, outputs: [{ output_type: 'display_data', data: { 'text/plain': 5 }, metadata: {} }] }]))).toMatch(
      /text\/plain/,
    );
  });
});
