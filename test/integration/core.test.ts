import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeCell, Output } from '../../server/protocol/index.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';

let tb: TestTalkbook;
beforeAll(async () => {
  tb = await startTestTalkbook({ OPENAI_API_KEY: 'sk-canary-openai-secret', SOME_OTHER_SECRET: 'canary-other' });
});
afterAll(async () => {
  await tb?.close();
});

const text = (outputs: Output[]) =>
  outputs.map((o) => (o.output_type === 'stream' ? o.text : o.output_type === 'execute_result' ? String(o.data['text/plain']) : '')).join('');

describe('one kernel per conversation', () => {
  it('keeps state across runs', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const first = await socket.run('x = 1');
    expect(first.cell.status).toBe('ok');
    expect(first.cell.executionCount).toBe(1);
    const second = await socket.run('x += 1\nprint(x)');
    expect(second.cell.status).toBe('ok');
    expect(text(second.cell.outputs)).toBe('2\n');
    expect(second.end.state).toBe('done');
  });

  it('keeps a DataFrame and renders it as HTML', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    await socket.run("import pandas as pd\ndf = pd.DataFrame({'a': [1, 2, 3], 'b': ['x', 'y', 'z']})");
    const shown = await socket.run('df');
    const result = shown.cell.outputs.find((o) => o.output_type === 'execute_result');
    expect(result?.output_type).toBe('execute_result');
    if (result?.output_type !== 'execute_result') return;
    expect(String(result.data['text/html'])).toContain('<table');
    expect(result.execution_count).toBe(2);
    const later = await socket.run('print(df.shape)');
    expect(text(later.cell.outputs)).toBe('(3, 2)\n');
  });

  it('gives matplotlib figures as image/png display_data', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const { cell } = await socket.run('import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [1, 4, 9])\nplt.show()');
    const image = cell.outputs.find((o) => o.output_type === 'display_data');
    expect(image?.output_type).toBe('display_data');
    if (image?.output_type !== 'display_data') return;
    const png = Buffer.from(String(image.data['image/png']), 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });

  it('turns a NameError into an error output and keeps the stdout before it', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const { cell, end } = await socket.run('print("before")\nundefined_name');
    expect(end.state).toBe('done');
    expect(cell.status).toBe('error');
    expect(cell.outputs[0]).toEqual({ output_type: 'stream', name: 'stdout', text: 'before\n' });
    const error = cell.outputs.find((o) => o.output_type === 'error');
    expect(error).toMatchObject({ output_type: 'error', ename: 'NameError' });
  });

  it('does not share variables between conversations', async () => {
    const a = await tb.createConversation();
    const b = await tb.createConversation();
    const sa = await tb.connect(a.id);
    const sb = await tb.connect(b.id);
    await sa.run('secret_a = 41');
    const { cell } = await sb.run('print("secret_a" in globals())');
    expect(text(cell.outputs)).toBe('False\n');
  });

  it('gives the kernel none of the server\'s secrets and its own workspace as cwd', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const { cell } = await socket.run('import os, json\nprint(json.dumps({"env": dict(os.environ), "cwd": os.getcwd()}))');
    const seen = JSON.parse(text(cell.outputs)) as { env: Record<string, string>; cwd: string };
    const names = Object.keys(seen.env);
    expect(names.filter((name) => /^(OPENAI_|TALKBOOK_|JUPYTER_TOKEN)/.test(name))).toEqual([]);
    expect(JSON.stringify(seen.env)).not.toContain('canary');
    expect(JSON.stringify(seen.env)).not.toContain(tb.token);
    // In the sandbox the workspace is mounted at /workspace; unsandboxed it is the real folder.
    expect(seen.cwd === '/workspace' || seen.cwd.endsWith(`/workspaces/${id}`)).toBe(true);
  });

  it('streams outputs and merges stream chunks, honouring clear_output and update_display', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const { cell, frames } = await socket.run(
      [
        'import time',
        'from IPython.display import display, clear_output, update_display',
        "for i in range(3):\n    print(f'line {i}', flush=True)\n    time.sleep(0.05)",
        "print('progress 1\\r', end='', flush=True); time.sleep(0.05); print('progress 2\\r', end='', flush=True); time.sleep(0.05); print('done')",
        "h = display('first', display_id=True)",
        "h.update('second')",
      ].join('\n'),
    );
    expect(frames.some((f) => f.type === 'update_display')).toBe(true);
    const streams = cell.outputs.filter((o) => o.output_type === 'stream');
    expect(streams).toHaveLength(1);
    expect(text(streams)).toBe('line 0\nline 1\nline 2\ndone\n');
    const display = cell.outputs.find((o) => o.output_type === 'display_data');
    expect(display?.output_type === 'display_data' && display.data['text/plain']).toBe("'second'");
    const cleared = await socket.run("print('gone')\nclear_output()\nprint('kept')");
    expect(text(cleared.cell.outputs)).toBe('kept\n');
  });
});

describe('HTTP and socket edges', () => {
  it('answers health without a token and refuses the API without one', async () => {
    expect(await (await tb.api('/api/health', { auth: false })).json()).toMatchObject({ status: 'ok' });
    const refused = await tb.api('/api/conversations', { auth: false });
    expect(refused.status).toBe(401);
    const wrong = await tb.api('/api/conversations', { auth: false, headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('refuses a WebSocket without a token', async () => {
    const { id } = await tb.createConversation();
    const { TestSocket } = await import('../helpers/test-socket.ts');
    await expect(TestSocket.open(`${tb.url.replace('http', 'ws')}/api/conversations/${id}/ws`)).rejects.toThrow(/401/);
    await expect(TestSocket.open(`${tb.url.replace('http', 'ws')}/api/conversations/${id}/ws?token=wrong`)).rejects.toThrow(/401/);
  });

  it('accepts the cookie on a socket only from our own origin', async () => {
    const { id } = await tb.createConversation();
    const { TestSocket } = await import('../helpers/test-socket.ts');
    const login = await tb.api(`/?token=${tb.token}`, { auth: false });
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toBe('/');
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const pair = cookie.split(';')[0]!;
    const wsUrl = `${tb.url.replace('http', 'ws')}/api/conversations/${id}/ws`;
    const ok = await TestSocket.open(wsUrl, { Cookie: pair, Origin: tb.url });
    await ok.close();
    await expect(TestSocket.open(wsUrl, { Cookie: pair, Origin: 'http://evil.example' })).rejects.toThrow(/401/);
    const api = await tb.api('/api/conversations', { auth: false, headers: { Cookie: pair } });
    expect(api.status).toBe(200);
  });

  it('404s an unknown conversation on HTTP and WS', async () => {
    expect((await tb.api('/api/conversations/0123456789abcdef0123456789abcdef')).status).toBe(404);
    const { TestSocket } = await import('../helpers/test-socket.ts');
    await expect(TestSocket.open(`${tb.url.replace('http', 'ws')}/api/conversations/unknown/ws?token=${tb.token}`)).rejects.toThrow(/404/);
  });

  it('creates, lists, renames and deletes conversations, with 128-bit ids', async () => {
    const created = await tb.createConversation({ title: 'Sales' });
    expect(created.id).toMatch(/^[a-f0-9]{32}$/);
    expect(created.kernel).toBe('python3');
    const renamed = await tb.api(`/api/conversations/${created.id}`, { method: 'PATCH', body: JSON.stringify({ title: 'Revenue' }) });
    expect(await renamed.json()).toMatchObject({ title: 'Revenue' });
    const list = await tb.list();
    expect(list[0]?.id).toBe(created.id);
    expect((await tb.api(`/api/conversations/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await tb.api(`/api/conversations/${created.id}`)).status).toBe(404);
    const bad = await tb.api('/api/conversations', { method: 'POST', body: '{"kernel": "cobol"}' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: expect.stringContaining('Unknown kernel') });
    const malformed = await tb.api('/api/conversations', { method: 'POST', body: '{nope' });
    expect(malformed.status).toBe(400);
  });

  it('deletes a conversation\'s workspace with it', async () => {
    const { existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    await socket.run('open("kept.txt", "w").write("x")');
    const folder = join(tb.dataDir, 'workspaces', id);
    expect(existsSync(join(folder, 'kept.txt'))).toBe(true);
    expect((await tb.api(`/api/conversations/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect(existsSync(folder)).toBe(false);
  });

  it('answers a malformed frame with an error frame and keeps the socket usable', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    socket.send('not json');
    await socket.waitFor((f) => f.type === 'error' && /JSON/.test(f.message));
    socket.send({ type: 'run', code: 42 } as Record<string, unknown>);
    await socket.waitFor((f) => f.type === 'error' && /Invalid frame/.test(f.message));
    const { cell } = await socket.run('print("still here")');
    expect(text(cell.outputs)).toBe('still here\n');
  });

  it('fails an ask turn with a helpful message while no model is configured', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const { end } = await socket.turn({ type: 'ask', text: 'hello' });
    expect(end.state).toBe('failed');
    expect(end.error).toMatch(/OPENAI_API_KEY|OPENAI_BASE_URL/);
    // The first question names a conversation that has no title yet.
    expect(socket.frames.some((f) => f.type === 'title' && f.title === 'hello')).toBe(true);
    expect((await (await tb.api(`/api/conversations/${id}`)).json()).title).toBe('hello');
  });
});

describe('titles', () => {
  it('names a conversation that starts with code after its first comment, and only once', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    await socket.run('x = 1');
    await socket.run('# Load the March sales\ny = 2');
    await socket.waitFor((f) => f.type === 'title' && f.title === 'Load the March sales');
    await socket.run('# Something else');
    const summary = (await (await tb.api(`/api/conversations/${id}`)).json()) as { title: string };
    expect(summary.title).toBe('Load the March sales');
  });
});

describe('deleting cells', () => {
  it('removes a cell from the conversation, its export and every socket, but not a running one', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const other = await tb.connect(id);
    const kept = await socket.run('x = 1');
    const dropped = await socket.run('print("experiment")');
    socket.send({ type: 'delete_cell', cellId: dropped.cell.id });
    await socket.waitFor((f) => f.type === 'cell_deleted' && f.cellId === dropped.cell.id);
    await other.waitFor((f) => f.type === 'cell_deleted' && f.cellId === dropped.cell.id);
    const detail = (await (await tb.api(`/api/conversations/${id}`)).json()) as { cells: Array<{ id: string }> };
    expect(detail.cells.map((cell) => cell.id)).toEqual([kept.cell.id]);
    const notebook = (await (await tb.api(`/api/conversations/${id}/notebook`)).json()) as { cells: Array<{ source: string }> };
    expect(notebook.cells.map((cell) => cell.source)).toEqual(['x = 1']);
    // What the deleted cell defined stays in the kernel.
    expect(text((await socket.run('print(x)')).cell.outputs)).toBe('1\n');

    const from = socket.frames.length;
    const running = socket.run('import time\ntime.sleep(1.5)');
    const busy = await socket.waitFor((f) => f.type === 'cell' && f.cell.kind === 'code' && f.cell.status === 'running', 30_000, from);
    const busyId = (busy as Extract<typeof busy, { type: 'cell' }>).cell.id;
    socket.send({ type: 'delete_cell', cellId: busyId, requestId: 'del-running' });
    const refused = await socket.waitFor((f) => f.type === 'error' && f.requestId === 'del-running');
    expect(refused).toMatchObject({ message: expect.stringMatching(/still running: stop it/) });
    await running;
    socket.send({ type: 'delete_cell', cellId: 'no-such-cell', requestId: 'del-missing' });
    expect(await socket.waitFor((f) => f.type === 'error' && f.requestId === 'del-missing')).toMatchObject({ message: expect.stringMatching(/no cell/) });
    expect(((await (await tb.api(`/api/conversations/${id}`)).json()) as { cells: unknown[] }).cells).toHaveLength(3);
  });
});

describe('resume and interrupt', () => {
  it('delivers every missed frame once, in order, after a dropped socket', async () => {
    const { id } = await tb.createConversation();
    const first = await tb.connect(id);
    await first.run('print("one")');
    const lastSeen = first.frames.at(-1)!.seq;
    await first.close();
    // Frames produced while no socket is open.
    const other = await tb.connect(id, lastSeen);
    await other.run('print("two")');
    const missedUpTo = other.frames.at(-1)!.seq;
    await other.close();

    const second = await tb.connect(id, 0);
    // The socket opened with after=0; ask explicitly for what this tab missed.
    second.send({ type: 'resume', after: lastSeen });
    await second.waitFor((f) => f.seq === missedUpTo);
    const seqs = second.frames.filter((f) => f.seq > lastSeen).map((f) => f.seq);
    const expected = Array.from({ length: missedUpTo - lastSeen }, (_, i) => lastSeen + 1 + i);
    expect(seqs.slice(0, expected.length)).toEqual(expected);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('keeps two sockets of one conversation in sync', async () => {
    const { id } = await tb.createConversation();
    const a = await tb.connect(id);
    const b = await tb.connect(id);
    const { end } = await a.run('print("shared")');
    await b.waitFor((f) => f.seq === end.seq);
    expect(b.frames.map((f) => f.seq)).toEqual(a.frames.map((f) => f.seq));
  });

  it('interrupts a busy cell and keeps the kernel state', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    await socket.run('kept = 7');
    const turn = socket.turn({ type: 'run', code: 'import time\nwhile True:\n    time.sleep(0.1)' });
    await socket.waitFor((f) => f.type === 'cell' && f.cell.kind === 'code' && f.cell.status === 'running' && f.cell.source.startsWith('import time'));
    const started = Date.now();
    expect((await tb.api(`/api/conversations/${id}/interrupt`, { method: 'POST' })).status).toBe(204);
    const { frames } = await turn;
    expect(Date.now() - started).toBeLessThan(3000);
    const cell = frames.filter((f) => f.type === 'cell').map((f) => (f as { cell: CodeCell }).cell).at(-1)!;
    expect(cell.status).toBe('interrupted');
    const after = await socket.run('print(kept)');
    expect(text(after.cell.outputs)).toBe('7\n');
  });
});
