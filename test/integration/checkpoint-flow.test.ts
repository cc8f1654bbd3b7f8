import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cell, CodeCell, ConversationDetail, ServerFrame } from '../../server/protocol/index.ts';
import { streamText as text } from '../helpers/outputs.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import type { TestSocket } from '../helpers/test-socket.ts';

/**
 * Kernel checkpoints wired into conversations (issue 19), against a real Talkbook with sandboxed
 * kernels: a checkpoint after every cell that ran without error (its footer: files, size),
 * automatic restore from the newest checkpoint after a server restart, undo, branch.
 */

type TurnFrame = Extract<ServerFrame, { type: 'turn' }>;
const notices = (frames: ServerFrame[]) => frames.flatMap((f) => (f.type === 'cell' && f.cell.kind === 'notice' ? [f.cell.text] : []));
const codeCells = (cells: readonly Cell[]) => cells.filter((c): c is CodeCell => c.kind === 'code');

let counter = 0;

/** Send `undo` and wait for its turn to end. */
async function undo(socket: TestSocket) {
  const requestId = `undo-${++counter}`;
  const from = socket.frames.length;
  socket.send({ type: 'undo', requestId });
  const end = (await socket.waitFor((f) => f.type === 'turn' && f.requestId === requestId && f.state !== 'started', 60_000, from)) as TurnFrame;
  return { end, frames: socket.frames.slice(from) };
}

describe('kernel checkpoints in conversations', () => {
  let tb: TestTalkbook;

  beforeAll(async () => {
    tb = await startTestTalkbook({ TALKBOOK_KERNEL_POOL: '0' });
  });
  afterAll(async () => {
    await tb?.close();
  });

  const detail = async (id: string): Promise<ConversationDetail> => (await tb.api(`/api/conversations/${id}`)).json() as Promise<ConversationDetail>;

  it('saves a checkpoint after each cell that ran without error and says what it did to the files', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const made = await socket.run("open('notes.txt', 'w').write('one')\nx = 1");
    expect(made.cell.status).toBe('ok');
    const saved = (await socket.waitFor((f) => f.type === 'cell' && f.cell.id === made.cell.id && f.cell.kind === 'code' && f.cell.checkpoint !== undefined)) as Extract<ServerFrame, { type: 'cell' }>;
    const checkpoint = (saved.cell as CodeCell).checkpoint!;
    expect(checkpoint).toMatchObject({ status: 'saved', files: { created: ['notes.txt'], changed: [], deleted: [] } });
    expect(checkpoint.id).toMatch(/^[0-9]{6,12}-[0-9a-f]{8}$/);
    expect(checkpoint.totalBytes).toBeGreaterThan(0);

    const failed = await socket.run('1 / 0');
    expect(failed.cell.status).toBe('error');
    const changed = await socket.run("open('notes.txt', 'w').write('two')");
    await socket.waitFor((f) => f.type === 'cell' && f.cell.id === changed.cell.id && f.cell.kind === 'code' && f.cell.checkpoint !== undefined);
    // Stored: the footer survives a reload.
    const stored = codeCells((await detail(id)).cells);
    expect(stored[0]!.checkpoint?.status).toBe('saved');
    expect(stored[1]!.checkpoint).toBeUndefined();
    expect(stored[2]!.checkpoint?.files?.changed).toEqual(['notes.txt']);
  });

  it('never fails a cell whose checkpoint cannot be written, and no kernel sees another conversation\'s checkpoints', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const listing = await socket.run("import os\nprint(os.environ.get('KERNEL_CHECKPOINT_DIR'), sorted(os.listdir('/checkpoints')), os.path.exists('/workspace/checkpoints'))");
    expect(text(listing.cell.outputs)).toBe("/checkpoints ['FORMAT', 'blobs', 'checkpoints', 'tmp'] False\n");
    // The server's folder of all checkpoints is nowhere in the sandbox.
    const probe = await socket.run(`import os\nprint(os.path.exists(${JSON.stringify(`${tb.dataDir}/checkpoints`)}), os.path.exists(${JSON.stringify(tb.dataDir)}))`);
    expect(text(probe.cell.outputs)).toBe('False False\n');
    // Make the folder unwritable from inside: the next checkpoint fails, the cell does not.
    const locked = await socket.run("import os\nfor d in ['/checkpoints/blobs', '/checkpoints/checkpoints', '/checkpoints/tmp']:\n    os.chmod(d, 0o500)\ny = 2");
    expect(locked.cell.status).toBe('ok');
    const after = await socket.run('big = list(range(100000))');
    expect(after.cell.status).toBe('ok');
    const frame = (await socket.waitFor((f) => f.type === 'cell' && f.cell.id === after.cell.id && f.cell.kind === 'code' && f.cell.checkpoint !== undefined)) as Extract<ServerFrame, { type: 'cell' }>;
    expect((frame.cell as CodeCell).checkpoint).toMatchObject({ status: 'failed' });
    expect(text((await socket.run('print(len(big))')).cell.outputs)).toBe('100000\n');
    await socket.run("import os\nfor d in ['/checkpoints/blobs', '/checkpoints/checkpoints', '/checkpoints/tmp']:\n    os.chmod(d, 0o700)");
  });

  it('undoes the last cell: the old DataFrame and the file it overwrote come back, the cell stays, greyed and never replayed', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    await socket.run("import pandas as pd\ndf = pd.DataFrame({'a': [1, None, 3]})\nopen('data.csv', 'w').write('v1')");
    const dropped = await socket.run("df = df.dropna()\nopen('data.csv', 'w').write('v2')\nlen(df)");
    await socket.waitFor((f) => f.type === 'cell' && f.cell.id === dropped.cell.id && f.cell.kind === 'code' && f.cell.checkpoint !== undefined);
    const { end, frames } = await undo(socket);
    expect(end.state).toBe('done');
    expect(notices(frames).join('\n')).toMatch(/Undid `df = df.dropna\(\)`/);
    expect(frames).toContainEqual(expect.objectContaining({ type: 'cell', cell: expect.objectContaining({ id: dropped.cell.id, undone: true }) }));
    expect(text((await socket.run("print(len(df), open('data.csv').read())")).cell.outputs)).toBe('3 v1\n');
    // Nothing is left to undo but the first cell's state; an undone cell is never replayed.
    const stored = codeCells((await detail(id)).cells).find((cell) => cell.id === dropped.cell.id)!;
    expect(stored.undone).toBe(true);
  });

  it('branches from cell 3 of 6: cells 1–3, their variables and files; the original keeps 6', { timeout: 120_000 }, async () => {
    const { id } = await tb.createConversation({ title: 'Six steps' });
    const socket = await tb.connect(id);
    const ids: string[] = [];
    let token = '';
    for (const [i, name] of ['a', 'b', 'c', 'd', 'e', 'f'].entries()) {
      // Cell 3 also draws an unseeded random number: only a checkpoint brings that one back.
      const draw = name === 'c' ? "\nimport random\ntoken = random.random()\nprint(repr(token))" : '';
      const { cell } = await socket.run(`${name} = ${i + 1}\nopen('${name}.txt', 'w').write('${name}')${draw}`);
      if (draw) token = text(cell.outputs);
      ids.push(cell.id);
    }
    expect(token).toMatch(/^0\.\d+\n$/);
    await socket.waitFor((f) => f.type === 'cell' && f.cell.id === ids[5] && f.cell.kind === 'code' && f.cell.checkpoint !== undefined);
    const response = await tb.api(`/api/conversations/${id}/branch`, { method: 'POST', body: JSON.stringify({ cellId: ids[2] }) });
    expect(response.status).toBe(201);
    const { id: branchId } = (await response.json()) as { id: string };
    expect(branchId).not.toBe(id);
    const branch = await tb.connect(branchId);
    await branch.waitFor((f) => f.type === 'turn' && f.request === 'restore' && f.state !== 'started', 60_000);
    const probe = await branch.run("import os\nprint([n for n in ['a', 'b', 'c', 'd'] if n in globals()], sorted(os.listdir('.')))");
    expect(text(probe.cell.outputs)).toBe("['a', 'b', 'c'] ['a.txt', 'b.txt', 'c.txt']\n");
    // Restored from cell 3's checkpoint, not replayed (a replay draws another number).
    expect(text((await branch.run('print(repr(token))')).cell.outputs)).toBe(token);
    const branched = await detail(branchId);
    expect(codeCells(branched.cells).slice(0, 3).map((cell) => cell.id)).toEqual(ids.slice(0, 3));
    const link = branched.cells.find((cell) => cell.kind === 'notice' && cell.link);
    expect(link).toMatchObject({ link: { conversationId: id, cellId: ids[2], title: 'Six steps' } });
    expect(codeCells((await detail(id)).cells)).toHaveLength(6);
    expect(text((await socket.run("print(f, open('f.txt').read())")).cell.outputs)).toBe('6 f\n');
  });

  it('brings a 20-second result back after a server restart without replaying it', { timeout: 180_000 }, async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const slow = await socket.run('import time\ntime.sleep(20)\nanswer = 6 * 7', 90_000);
    expect(slow.cell.status).toBe('ok');
    await socket.waitFor((f) => f.type === 'cell' && f.cell.id === slow.cell.id && f.cell.kind === 'code' && f.cell.checkpoint !== undefined);
    await tb.restart();
    const { seq } = await detail(id);
    const again = await tb.connect(id, seq);
    const { cell } = await again.run('print(answer)', 60_000);
    expect(text(cell.outputs)).toBe('42\n');
    const turns = again.frames.filter((f): f is TurnFrame => f.type === 'turn');
    expect(turns.map((t) => `${t.request} ${t.state}`)).toEqual(['restore started', 'restore done', 'run started', 'run done']);
    // Nothing was replayed: no "k of n" progress, and the notice says so.
    expect(again.frames.filter((f) => f.type === 'restore' && f.state !== 'done')).toEqual([]);
    expect(notices(again.frames).join('\n')).toMatch(/from the checkpoint saved after `import time`.*without replaying anything/);
  });
});

describe('hibernation', () => {
  let tb: TestTalkbook;
  beforeAll(async () => {
    tb = await startTestTalkbook({ TALKBOOK_KERNEL_IDLE_MINUTES: '0.05', TALKBOOK_KERNEL_POOL: '0' });
  });
  afterAll(async () => {
    await tb?.close();
  });

  it('checkpoints an idle kernel, shuts it down, and wakes it with x and the random state as they were', { timeout: 120_000 }, async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const first = await socket.run(
      'import numpy as np\nx = np.random.rand(3)\n_s = np.random.get_state()\n_next = np.random.rand()\nnp.random.set_state(_s)\nexpected = repr((x.tolist(), _next))',
    );
    expect(first.cell.status).toBe('ok');
    await socket.waitFor((f) => f.type === 'cell' && f.cell.kind === 'notice' && /hibernated/.test(f.cell.text), 30_000);
    await socket.waitFor((f) => f.type === 'kernel' && f.state === 'dead');
    const { cell } = await socket.run('print(repr((x.tolist(), np.random.rand())) == expected)', 60_000);
    expect(text(cell.outputs)).toBe('True\n');
  });
});
