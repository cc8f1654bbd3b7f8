import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationDetail, conversationSummary, type Cell, type CodeCell, type Output } from '../../server/protocol/index.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const sandboxEnv: Record<string, string> = process.env.TALKBOOK_SANDBOX ? { TALKBOOK_SANDBOX: process.env.TALKBOOK_SANDBOX } : {};

let tb: TestTalkbook;
let scratch: string;
beforeAll(async () => {
  tb = await startTestTalkbook(sandboxEnv);
  scratch = await mkdtemp(join(tmpdir(), 'talkbook-nb-test-'));
});
afterAll(async () => {
  await tb?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const workspace = (id: string) => join(tb.dataDir, 'workspaces', id);

async function upload(id: string, name: string, body: string) {
  const form = new FormData();
  form.append('file', new Blob([body]), name);
  const response = await tb.api(`/api/conversations/${id}/files`, { method: 'POST', body: form });
  expect(response.status).toBe(201);
}

async function importNotebook(body: string, name = 'notebook.ipynb'): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([body], { type: 'application/x-ipynb+json' }), name);
  return tb.api('/api/conversations/import', { method: 'POST', body: form });
}

async function detail(id: string) {
  return conversationDetail.parse(await (await tb.api(`/api/conversations/${id}`)).json());
}

/** Code cells as export and import must keep them (ids, times and display ids aside). */
function codeView(cells: Cell[]) {
  return cells
    .filter((cell): cell is CodeCell => cell.kind === 'code')
    .map((cell) => ({
      source: cell.source,
      author: cell.author,
      executionCount: cell.executionCount,
      outputs: cell.outputs.map((output: Output) => {
        if (output.output_type !== 'display_data' && output.output_type !== 'execute_result') return output;
        const { transient: _transient, ...rest } = output;
        return rest;
      }),
    }));
}

describe('export', () => {
  let id: string;
  let exported: string;

  beforeAll(async () => {
    ({ id } = await tb.createConversation({ title: 'Sales / Q1 "draft"' }));
    await upload(id, 'data.csv', 'x,y\n1,2\n2,4\n3,9\n');
    const socket = await tb.connect(id);
    await socket.run("import pandas as pd\ndf = pd.read_csv('data.csv')\ndf");
    await socket.run('print(df.shape)');
    await socket.run('import matplotlib.pyplot as plt\nplt.plot(df.x, df.y)\nplt.show()');
    await socket.run("from IPython.display import display\nh = display('v1', display_id=True)\nh.update('v2')");
    await socket.run("import sys\nprint('careful', file=sys.stderr)");
    await socket.run('1 / 0');
    const response = await tb.api(`/api/conversations/${id}/notebook`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ipynb+json');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="Sales - Q1 _draft_.ipynb"; filename*=UTF-8''Sales%20-%20Q1%20%22draft%22.ipynb`,
    );
    exported = await response.text();
  });

  it('is nbformat 4.5 with kernelspec, language_info, roles and nbformat outputs', () => {
    const nb = JSON.parse(exported) as {
      nbformat: number;
      nbformat_minor: number;
      metadata: { kernelspec: Record<string, string>; language_info: Record<string, string> };
      cells: Array<{ id: string; cell_type: string; metadata: { talkbook: Record<string, string> }; outputs?: Array<Record<string, unknown>> }>;
    };
    expect([nb.nbformat, nb.nbformat_minor]).toEqual([4, 5]);
    expect(nb.metadata.kernelspec).toEqual({ name: 'python3', display_name: expect.any(String), language: 'python' });
    expect(nb.metadata.language_info).toMatchObject({ name: 'python', version: expect.stringMatching(/^3\./), file_extension: '.py' });
    expect(nb.cells[0]).toMatchObject({ cell_type: 'markdown', metadata: { talkbook: { role: 'notice', level: 'info' } } });
    const code = nb.cells.filter((cell) => cell.cell_type === 'code');
    expect(code).toHaveLength(6);
    for (const cell of code) expect(cell.metadata.talkbook).toEqual({ author: 'user', by: { userId: expect.any(String), name: expect.any(String) } });
    expect(JSON.stringify(nb)).not.toContain('transient');
    expect(code[2]!.outputs![0]).toMatchObject({ output_type: 'display_data', data: { 'image/png': expect.any(String) }, metadata: {} });
  });

  it('passes the nbformat validator and re-runs top to bottom with nbclient next to the workspace files', async () => {
    const file = join(scratch, 'export.ipynb');
    await writeFile(file, exported);
    const script = [
      'import json, sys, nbformat',
      'from nbclient import NotebookClient',
      'nb = nbformat.read(sys.argv[1], as_version=4)',
      'nbformat.validate(nb)',
      "NotebookClient(nb, timeout=120, kernel_name='python3', allow_errors=True, resources={'metadata': {'path': sys.argv[2]}}).execute()",
      "print(json.dumps([[o.get('text') or o.get('ename') or sorted(o.get('data', {})) for o in c.outputs] for c in nb.cells if c.cell_type == 'code']))",
    ].join('\n');
    const { stdout } = await run(PYTHON, ['-c', script, file, workspace(id)], { timeout: 150_000 });
    const outputs = JSON.parse(stdout.trim().split('\n').at(-1)!) as unknown[][];
    expect(outputs[0]).toEqual([['text/html', 'text/plain']]);
    expect(outputs[1]).toEqual(['(3, 2)\n']);
    expect(outputs[2]).toContainEqual(['image/png', 'text/plain']);
    expect(outputs[4]).toEqual(['careful\n']);
    expect(outputs[5]).toEqual(['ZeroDivisionError']);
  }, 180_000);

  it('downloads the notebook and its files as one zip that nbclient re-runs where it is unpacked', async () => {
    const response = await tb.api(`/api/conversations/${id}/archive`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toContain('.zip');
    const entries = unzipSync(new Uint8Array(await response.arrayBuffer()));
    const names = Object.keys(entries).sort();
    const notebookName = names.find((name) => name.endsWith('.ipynb'))!;
    expect(names).toEqual(['data.csv', notebookName].sort());
    expect(new TextDecoder().decode(entries['data.csv'])).toBe('x,y\n1,2\n2,4\n3,9\n');
    expect(JSON.parse(new TextDecoder().decode(entries[notebookName]))).toEqual(JSON.parse(exported));

    const unpacked = await mkdtemp(join(scratch, 'unzipped-'));
    for (const [name, bytes] of Object.entries(entries)) await writeFile(join(unpacked, name), bytes);
    const script = [
      'import json, sys, nbformat',
      'from nbclient import NotebookClient',
      'nb = nbformat.read(sys.argv[1], as_version=4)',
      "NotebookClient(nb, timeout=120, kernel_name='python3', allow_errors=True, resources={'metadata': {'path': sys.argv[2]}}).execute()",
      "print(json.dumps([[o.get('text') or o.get('ename') or sorted(o.get('data', {})) for o in c.outputs] for c in nb.cells if c.cell_type == 'code']))",
    ].join('\n');
    const { stdout } = await run(PYTHON, ['-c', script, join(unpacked, notebookName), unpacked], { timeout: 150_000 });
    const outputs = JSON.parse(stdout.trim().split('\n').at(-1)!) as unknown[][];
    expect(outputs[1]).toEqual(['(3, 2)\n']);
  }, 180_000);

  it('imports back into a new conversation with the same code cells', async () => {
    const response = await importNotebook(exported, 'whatever.ipynb');
    expect(response.status).toBe(201);
    const summary = conversationSummary.parse(await response.json());
    expect(summary.id).not.toBe(id);
    expect(summary.title).toBe('Sales / Q1 "draft"');
    expect(summary.kernel).toBe('python3');
    const original = await detail(id);
    const copy = await detail(summary.id);
    expect(codeView(copy.cells)).toEqual(codeView(original.cells));
    expect(copy.cells.map((cell) => cell.kind)).toEqual(original.cells.map((cell) => cell.kind));
    const statuses = copy.cells.filter((cell): cell is CodeCell => cell.kind === 'code').map((cell) => cell.status);
    expect(statuses).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'error']);
  });
});

describe('import', () => {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: { kernelspec: { name: 'no-such-kernel', display_name: 'Gone' } },
    cells: [
      { cell_type: 'markdown', metadata: {}, source: ['# Notes\n', 'by hand'] },
      { cell_type: 'markdown', metadata: { talkbook: { role: 'assistant' } }, source: 'I will compute it.' },
      { cell_type: 'code', metadata: { talkbook: { author: 'assistant' } }, source: ['x = 20\n', 'x'], execution_count: 4, outputs: [] },
      { cell_type: 'code', metadata: {}, source: 'x + 22', execution_count: 5, outputs: [{ output_type: 'execute_result', execution_count: 5, metadata: {}, data: { 'text/plain': ['4', '2'] } }] },
    ],
  };

  it('maps roles, falls back to the default kernel and names the conversation after the file', async () => {
    const response = await importNotebook(JSON.stringify(notebook), 'My analysis.ipynb');
    expect(response.status).toBe(201);
    const summary = conversationSummary.parse(await response.json());
    expect(summary).toMatchObject({ title: 'My analysis', kernel: 'python3' });
    const { cells } = await detail(summary.id);
    expect(cells.map((cell) => [cell.kind, cell.kind === 'code' ? cell.author : undefined])).toEqual([
      ['user', undefined],
      ['assistant', undefined],
      ['code', 'assistant'],
      ['code', 'user'],
    ]);
    expect(cells[0]).toMatchObject({ text: '# Notes\nby hand' });
    expect(cells[3]).toMatchObject({ source: 'x + 22', executionCount: 5, status: 'ok', outputs: [{ output_type: 'execute_result', data: { 'text/plain': '42' } }] });
  });

  it('starts with an empty kernel, and run_all executes the code cells in order', async () => {
    const { id } = conversationSummary.parse(await (await importNotebook(JSON.stringify(notebook))).json());
    const socket = await tb.connect(id);
    socket.send({ type: 'run_all', requestId: 'all' });
    const end = await socket.waitFor((f) => f.type === 'turn' && f.requestId === 'all' && f.state !== 'started', 60_000);
    expect(end).toMatchObject({ state: 'done', request: 'run_all' });
    const code = (await detail(id)).cells.filter((cell): cell is CodeCell => cell.kind === 'code');
    expect(code.map((cell) => [cell.status, cell.executionCount])).toEqual([
      ['ok', 1],
      ['ok', 2],
    ]);
    expect(code[1]!.outputs).toEqual([{ output_type: 'execute_result', execution_count: 2, data: { 'text/plain': '42' }, metadata: {} }]);
  });

  it('answers 400 saying why for a file that is not a valid notebook', async () => {
    const cases: Array<[string, RegExp]> = [
      ['{"nbformat": 4, "cells": [', /not valid JSON/],
      [JSON.stringify({ nbformat: 3, nbformat_minor: 0, worksheets: [] }), /nbformat 3/],
      [JSON.stringify({ ...notebook, cells: [{ cell_type: 'code', source: 'x', metadata: {} }] }), /cells\.0\.(outputs|execution_count)/],
      ['plain text', /not valid JSON/],
    ];
    for (const [body, why] of cases) {
      const response = await importNotebook(body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(why);
    }
    const notMultipart = await tb.api('/api/conversations/import', { method: 'POST', body: JSON.stringify(notebook) });
    expect(notMultipart.status).toBe(400);
    const count = (await tb.list()).length;
    expect(count).toBeGreaterThan(0);
  });

  it('404s the export of an unknown conversation', async () => {
    expect((await tb.api('/api/conversations/0123456789abcdef0123456789abcdef/notebook')).status).toBe(404);
  });
});
