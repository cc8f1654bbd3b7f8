import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { notebookFileName, notebookJson, notebookStream, toNotebook } from '../../../server/notebook/index.ts';
import { meta, sampleCells } from './sample-cells.ts';

const dir = mkdtempSync(join(tmpdir(), 'talkbook-nb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('toNotebook', () => {
  const nb = toNotebook(sampleCells, meta);

  it('is nbformat 4.5 with kernelspec, language_info and title', () => {
    expect(nb.nbformat).toBe(4);
    expect(nb.nbformat_minor).toBe(5);
    expect(nb.metadata).toMatchObject({ kernelspec: meta.kernelspec, language_info: meta.language_info, title: 'Sales / Q1' });
  });

  it('makes messages Markdown cells with their role, and code cells with author', () => {
    expect(nb.cells.map((cell) => [cell.cell_type, cell.metadata.talkbook])).toEqual([
      ['markdown', { role: 'user' }],
      ['markdown', { role: 'assistant' }],
      ['code', { author: 'assistant' }],
      ['markdown', { role: 'notice', level: 'warning' }],
      ['code', { author: 'user' }],
      ['markdown', { role: 'user' }],
    ]);
    expect(nb.cells[0]!.source).toBe('Plot **sales**');
  });

  it('keeps outputs in nbformat shape without transient, text bundles as strings', () => {
    const code = nb.cells[2]!;
    if (code.cell_type !== 'code') throw new Error('expected code');
    expect(code.execution_count).toBe(3);
    expect(code.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'hi\n' },
      { output_type: 'display_data', data: { 'text/plain': '1', 'application/json': { a: [1] } }, metadata: {} },
      { output_type: 'execute_result', execution_count: 3, data: { 'text/plain': '2', 'image/png': 'iVBORw0K' }, metadata: { x: 1 } },
    ]);
  });

  it('exports an undone code cell as a Markdown note saying it was undone, never as code to run', () => {
    const undone = { id: 'u1', kind: 'code' as const, source: 'df = df.dropna()', author: 'user' as const, status: 'ok' as const, executionCount: 3, outputs: [], createdAt: 'now', undone: true };
    const [cell] = toNotebook([undone], meta).cells;
    expect(cell).toMatchObject({ cell_type: 'markdown', metadata: { talkbook: { role: 'undone', author: 'user' } } });
    expect(cell!.source).toBe('*Undone in Talkbook (the kernel went back to the state before it):*\n\n```\ndf = df.dropna()\n```');
  });

  it('gives every cell a valid, unique id', () => {
    const ids = nb.cells.map((cell) => cell.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-zA-Z0-9-_]{1,64}$/);
    expect(ids[0]).toBe('a1');
  });

  it('streams the same notebook piece by piece', async () => {
    const pieces = [...notebookJson(sampleCells, meta)];
    expect(pieces.length).toBe(sampleCells.length + 3);
    expect(JSON.parse(pieces.join(''))).toEqual(nb);
    const streamed = await new Response(notebookStream(sampleCells, meta)).text();
    expect(JSON.parse(streamed)).toEqual(nb);
    expect(JSON.parse([...notebookJson([], meta)].join(''))).toEqual(toNotebook([], meta));
  });

  it('passes the official nbformat validator', () => {
    const file = join(dir, 'export.ipynb');
    writeFileSync(file, [...notebookJson(sampleCells, meta)].join(''));
    const validate = 'import nbformat,sys; nb=nbformat.read(sys.argv[1], as_version=4); nbformat.validate(nb); print(nb.nbformat_minor)';
    expect(execFileSync('/usr/bin/python3', ['-c', validate, file], { encoding: 'utf8' }).trim()).toBe('5');
  });
});

describe('notebookFileName', () => {
  it('makes a safe .ipynb name from the title', () => {
    expect(notebookFileName('Sales / Q1')).toBe('Sales - Q1.ipynb');
    expect(notebookFileName('../../etc')).toBe('-..-etc.ipynb');
    expect(notebookFileName('')).toBe('conversation.ipynb');
    expect(notebookFileName('report.ipynb')).toBe('report.ipynb');
  });
});
