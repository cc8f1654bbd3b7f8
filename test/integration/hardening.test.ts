import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationDetail, conversationSummary, type CodeCell } from '../../server/protocol/index.ts';
import { streamText as printed } from '../helpers/outputs.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';

/**
 * Issue 21's attacks on the conversation core, from a code cell and from the API: each one took
 * the server down, wedged a conversation or misled the person before.
 */
let tb: TestTalkbook;
beforeAll(async () => {
  // Replay semantics (imported cells are about what a replay may run): no checkpoints here.
  tb = await startTestTalkbook({ TALKBOOK_MAX_OUTPUT_MB: '1', TALKBOOK_KERNEL_POOL: '0', TALKBOOK_CHECKPOINT_MB: '0', TALKBOOK_AUTO_RESTORE: '0' });
});
afterAll(async () => {
  await tb?.close();
});

const detail = async (id: string) => conversationDetail.parse(await (await tb.api(`/api/conversations/${id}`)).json());

async function importNotebook(body: string): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([body], { type: 'application/x-ipynb+json' }), 'attack.ipynb');
  return tb.api('/api/conversations/import', { method: 'POST', body: form });
}

describe('one cell must never take the server down', () => {
  it('charges display updates to the cap: 60 tiny displays updated with 9.5 MB each', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const { cell } = await socket.run(
      "from IPython.display import display, update_display\nfor i in range(60): display({'text/plain': 'tiny'}, raw=True, display_id='boom')\nupdate_display({'text/plain': 'A' * 9_500_000}, raw=True, display_id='boom')",
      120_000,
    );
    expect(cell.outputTruncated).toBe(true);
    expect((await tb.api('/api/health', { auth: false })).status).toBe(200);
    const stored = await detail(id);
    expect(JSON.stringify(stored).length).toBeLessThan(2 * 1024 * 1024);
    // The conversation goes on, and its next change is stored.
    expect(printed((await socket.run("print('still here')")).cell.outputs)).toBe('still here\n');
    expect((await tb.api(`/api/conversations/${id}`, { method: 'PATCH', body: JSON.stringify({ title: 'Survived' }) })).status).toBe(200);
  });

  it('refuses a notebook nested 5,000 deep, lists nothing half-made, and stays usable', async () => {
    const before = (await tb.list()).length;
    const notebook = JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [{ cell_type: 'code', id: 'a', metadata: {}, source: 'x', execution_count: 1, outputs: [{ output_type: 'display_data', metadata: {}, data: { 'application/json': 'DEEP' } }] }],
    }).replace('"DEEP"', '['.repeat(5000) + ']'.repeat(5000));
    const response = await importNotebook(notebook);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/more than 64 levels deep/);
    expect((await tb.list()).length).toBe(before);
    const { id } = await tb.createConversation({ title: 'after the attack' });
    expect((await tb.api(`/api/conversations/${id}`, { method: 'PATCH', body: JSON.stringify({ title: 'renamed' }) })).status).toBe(200);
  });

  it('turns an output nested hundreds deep from a cell into a short note', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const { cell } = await socket.run("from IPython.display import display\nv = 1\nfor _ in range(500): v = [v]\ndisplay({'application/json': v}, raw=True)");
    expect(printed(cell.outputs)).toContain('nested more than 64 levels deep');
    expect((await detail(id)).cells.length).toBeGreaterThan(0);
  });

  it('fails a cell whose message is over the socket limit at once, and keeps the conversation and its variables', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    await socket.run('kept = 41');
    const started = Date.now();
    const { cell } = await socket.run("import sys\nsys.stdout.write('x' * 70_000_000)\nsys.stdout.flush()", 120_000);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(cell.status).toBe('error');
    expect(cell.failure).toMatch(/larger than 64 MB/);
    const next = await socket.run('print(kept + 1)', 60_000);
    expect(printed(next.cell.outputs)).toBe('42\n');
  }, 180_000);
});

describe('a tab never silently misses frames', () => {
  it('gets a reset when it resumes from beyond the conversation\'s seq (it saw frames a crash lost), then the new frames', async () => {
    const { id } = await tb.createConversation();
    const first = await tb.connect(id);
    await first.run('x = 1');
    await first.close();
    const { seq, cells } = await detail(id);
    const ahead = await tb.connect(id, seq + 1000);
    const reset = await ahead.waitFor((f) => f.type === 'reset', 10_000);
    expect(reset.type === 'reset' && reset.cells.map((cell) => cell.id)).toEqual(cells.map((cell) => cell.id));
    expect(printed((await ahead.run("print('after the reset')")).cell.outputs)).toBe('after the reset\n');
  });
});

describe('what a conversation says', () => {
  it('tells of a kernel death once', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    await socket.run('x = 1');
    await socket.run('import os\nos._exit(1)', 60_000);
    await socket.run('print(1)', 60_000);
    const deaths = (await detail(id)).cells.filter((cell) => cell.kind === 'notice' && /kernel died|killed/i.test(cell.text));
    expect(deaths).toHaveLength(1);
  });

  it('shows an uploaded table\'s column names as text, never as Markdown', async () => {
    const { id } = await tb.createConversation();
    const form = new FormData();
    form.append('file', new Blob(['[click](http://evil.example),**bold**\n1,2\n']), 'trap.csv');
    expect((await tb.api(`/api/conversations/${id}/files`, { method: 'POST', body: form })).status).toBe(201);
    let text = '';
    await expect
      .poll(async () => {
        const notice = (await detail(id)).cells.find((cell) => cell.kind === 'notice' && cell.text.includes('trap.csv'));
        text = notice?.kind === 'notice' ? notice.text : '';
        return text;
      }, { timeout: 60_000 })
      .toContain('columns');
    expect(text).toContain('`[click](http://evil.example)`');
    expect(text).toContain('`**bold**`');
  });

  it('stops reading an upload for its notice after 15 s, and the conversation goes on at once', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    // Stands in for a decompression bomb: reading this table would never end.
    await socket.run('import pandas, time\npandas.read_csv = lambda *args, **kwargs: time.sleep(3600)\nkept = 7');
    const form = new FormData();
    form.append('file', new Blob(['a,b\n1,2\n']), 'bomb.csv');
    expect((await tb.api(`/api/conversations/${id}/files`, { method: 'POST', body: form })).status).toBe(201);
    await expect
      .poll(async () => (await detail(id)).cells.some((cell) => cell.kind === 'notice' && cell.text.includes('bomb.csv')), { timeout: 60_000 })
      .toBe(true);
    const notice = (await detail(id)).cells.find((cell) => cell.kind === 'notice' && cell.text.includes('bomb.csv'));
    expect(notice?.kind === 'notice' && notice.text).toMatch(/took longer than 15 s, so Talkbook stopped/);
    // The summary was interrupted, not left running: the same kernel answers the next cell.
    expect(printed((await socket.run('print(kept * 6)', 30_000)).cell.outputs)).toBe('42\n');
  }, 120_000);

  it('marks imported code cells, which a restore never replays until they ran here', async () => {
    const notebook = JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        { cell_type: 'code', id: 'a', metadata: { talkbook: { author: 'assistant' } }, source: "open('pwned.txt', 'w').write('x')", execution_count: 1, outputs: [] },
        { cell_type: 'code', id: 'b', metadata: {}, source: 'y = 2', execution_count: 2, outputs: [] },
      ],
    });
    const { id } = conversationSummary.parse(await (await importNotebook(notebook)).json());
    const imported = (await detail(id)).cells.filter((cell): cell is CodeCell => cell.kind === 'code');
    expect(imported.map((cell) => cell.imported)).toEqual([true, true]);
    const socket = await tb.connect(id);
    // Run the second cell here; the first stays someone else's.
    socket.send({ type: 'run', code: 'y = 2', cellId: imported[1]!.id, requestId: 'mine' });
    await socket.waitFor((f) => f.type === 'turn' && f.requestId === 'mine' && f.state !== 'started', 60_000);
    socket.send({ type: 'restore', requestId: 'r' });
    await socket.waitFor((f) => f.type === 'turn' && f.requestId === 'r' && f.state !== 'started', 60_000);
    const after = await detail(id);
    const notice = after.cells.filter((cell) => cell.kind === 'notice').at(-1);
    expect(notice?.kind === 'notice' && notice.text).toMatch(/replayed 1 code cell.*1 code cell from the imported notebook was not replayed/s);
    const check = await socket.run("import os\nprint(os.path.exists('pwned.txt'), y)");
    expect(printed(check.cell.outputs)).toBe('False 2\n');
  });

  it('refuses more than 100 waiting requests with a reason', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    socket.send({ type: 'run', code: 'import time\ntime.sleep(5)', requestId: 'slow' });
    for (let i = 0; i < 105; i++) socket.send({ type: 'run', code: 'pass', requestId: `q${i}` });
    const refused = await socket.waitFor((f) => f.type === 'error' && /already waiting/.test(f.message), 30_000);
    expect(refused.type === 'error' && refused.requestId).toMatch(/^q10\d$/);
    socket.send({ type: 'cancel', requestId: 'c' });
  });
});
