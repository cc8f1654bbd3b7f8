import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelSpecList, type CodeCell, type ServerFrame } from '../../server/protocol/index.ts';
import { lastToolResult, startFakeOpenAI, type FakeOpenAI } from '../fakes/openai-server.ts';
import { startPlainJupyter, type PlainJupyter } from '../helpers/plain-jupyter.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';

/**
 * The whole flow against a remote Jupyter (JUPYTER_URL + JUPYTER_TOKEN): a second, plain
 * `jupyter-server` with its own root directory and its own default kernel specs (the system
 * python3, not Talkbook's sandboxed one), as a Kernel Gateway or Enterprise Gateway would be.
 */
let remote: PlainJupyter;
let fake: FakeOpenAI;
let tb: TestTalkbook;

beforeAll(async () => {
  remote = await startPlainJupyter();
  fake = await startFakeOpenAI();
  tb = await startTestTalkbook({
    JUPYTER_URL: remote.url,
    JUPYTER_TOKEN: remote.token,
    OPENAI_BASE_URL: fake.url,
    OPENAI_API_KEY: 'test',
    // Count exactly the conversation's kernel on the remote server: no warm pool here.
    TALKBOOK_KERNEL_POOL: '0',
  });
});
afterAll(async () => {
  await tb?.close();
  await fake?.close();
  await remote?.close();
});

const kernelIds = async () => (await remote.get<Array<{ id: string }>>('/api/kernels')).map((k) => k.id);
const cellsIn = (frames: ServerFrame[]) => {
  const cells = new Map<string, CodeCell>();
  for (const f of frames) if (f.type === 'cell' && f.cell.kind === 'code') cells.set(f.cell.id, f.cell);
  return [...cells.values()];
};

describe('Talkbook with a remote Jupyter server', () => {
  it('offers the remote server\'s kernel specs', async () => {
    const specs = kernelSpecList.parse(await (await tb.api('/api/kernelspecs')).json());
    expect(specs.kernelspecs.map((spec) => spec.name)).toContain('python3');
  });

  it('uploads, runs an assistant turn, exports, and shuts the kernel down on delete', async () => {
    const before = new Set(await kernelIds());
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);

    // Upload: the bytes travel through the contents API into the remote root.
    const csv = 'city,pop\nBern,134\nBasel,173\nGeneva,203\n';
    const form = new FormData();
    form.append('file', new Blob([csv]), 'cities.csv');
    const uploaded = await tb.api(`/api/conversations/${id}/files`, { method: 'POST', body: form });
    expect(uploaded.status).toBe(201);
    expect(await uploaded.json()).toMatchObject({ name: 'cities.csv', size: csv.length });
    expect(await readFile(join(remote.rootDir, id, 'cities.csv'), 'utf8')).toBe(csv);

    // An assistant turn whose code runs in the remote kernel and reads the upload.
    const code = "import pandas as pd\nprint(pd.read_csv('cities.csv')['pop'].sum())";
    fake.script([{ toolCall: { code } }, (req) => ({ text: `The total is ${lastToolResult(req.body).match(/\d+/)?.[0] ?? '?'}.` })]);
    const { end, frames } = await socket.turn({ type: 'ask', text: 'What is the total population?' });
    expect(end.state).toBe('done');
    const [cell] = cellsIn(frames);
    expect(cell).toMatchObject({ source: code, status: 'ok', author: 'assistant' });
    expect(cell!.outputs).toContainEqual({ output_type: 'stream', name: 'stdout', text: '510\n' });
    expect(frames.flatMap((f) => (f.type === 'text' ? [f.delta] : [])).join('')).toBe('The total is 510.');

    // The conversation's kernel lives on the remote server.
    const started = (await kernelIds()).filter((kernel) => !before.has(kernel));
    expect(started).toHaveLength(1);

    // Export: an nbformat 4.5 attachment with the remote kernel's spec and the turn's cells.
    const exported = await tb.api(`/api/conversations/${id}/notebook`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toMatch(/^attachment;/);
    const nb = (await exported.json()) as {
      nbformat: number;
      nbformat_minor: number;
      metadata: { kernelspec: { name: string; language: string } };
      cells: Array<{ cell_type: string; source: string | string[]; outputs?: unknown[] }>;
    };
    expect([nb.nbformat, nb.nbformat_minor]).toEqual([4, 5]);
    expect(nb.metadata.kernelspec).toMatchObject({ name: 'python3', language: 'python' });
    const source = (c: { source: string | string[] }) => (Array.isArray(c.source) ? c.source.join('') : c.source);
    expect(nb.cells.filter((c) => c.cell_type === 'code').map(source)).toEqual([code]);
    expect(nb.cells.map(source).join('\n')).toContain('The total is 510.');

    // Delete: the remote kernel is shut down, and Talkbook's data folder never held the upload.
    await socket.close();
    expect((await tb.api(`/api/conversations/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await kernelIds()).not.toContain(started[0]);
    expect((await tb.api(`/api/conversations/${id}`)).status).toBe(404);
    expect(existsSync(join(tb.dataDir, 'workspaces'))).toBe(false);
  });
});
