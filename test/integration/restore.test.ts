import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cell, CodeCell, ConversationDetail, ServerFrame } from '../../server/protocol/index.ts';
import { startFakeOpenAI, systemText, type FakeOpenAI } from '../fakes/openai-server.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import type { TestSocket } from '../helpers/test-socket.ts';
import { streamText as text } from '../helpers/outputs.ts';

/**
 * Restoring a conversation's kernel state by replaying its history: a real Talkbook, real
 * kernels, the fake model for the assistant's turns, driven through the WebSocket.
 */

type RestoreFrame = Extract<ServerFrame, { type: 'restore' }>;
type TurnFrame = Extract<ServerFrame, { type: 'turn' }>;

const notices = (frames: ServerFrame[]) =>
  frames.flatMap((f) => (f.type === 'cell' && f.cell.kind === 'notice' ? [f.cell.text] : []));
const codeCells = (cells: Cell[]) => cells.filter((c): c is CodeCell => c.kind === 'code');

let counter = 0;

/** Send `restore` and wait for its turn to end; the restore frames and every frame of the turn. */
async function restore(socket: TestSocket, timeoutMs = 90_000) {
  const requestId = `restore-${++counter}`;
  const from = socket.frames.length;
  socket.send({ type: 'restore', requestId });
  const end = (await socket.waitFor((f) => f.type === 'turn' && f.requestId === requestId && f.state !== 'started', timeoutMs, from)) as TurnFrame;
  const frames = socket.frames.slice(from, socket.frames.indexOf(end) + 1);
  const progress = frames.filter((f): f is RestoreFrame => f.type === 'restore');
  return { end, frames, progress, last: progress.at(-1)! };
}

describe('restoring kernel state', () => {
  let fake: FakeOpenAI;
  let tb: TestTalkbook;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    // Replay itself (checkpoints off, no automatic restore): test/integration/checkpoint-flow.test.ts covers restores from checkpoints.
    tb = await startTestTalkbook({ OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'test', TALKBOOK_MODEL: 'gpt-test', TALKBOOK_CHECKPOINT_MB: '0', TALKBOOK_AUTO_RESTORE: '0' });
  });
  afterAll(async () => {
    await tb?.close();
    await fake?.close();
  });

  const detail = async (id: string): Promise<ConversationDetail> => (await tb.api(`/api/conversations/${id}`)).json();

  it('rebuilds a DataFrame made over two assistant turns and a cell of the person after a server restart', { timeout: 180_000 }, async () => {
    const { id } = await tb.createConversation({ title: 'Frames' });
    const socket = await tb.connect(id);
    fake.script([
      { toolCall: { code: "import pandas as pd\ndf = pd.DataFrame({'a': [1, 2, 3, 4]})\ndf" } },
      { text: 'I made `df`.' },
    ]);
    expect((await socket.turn({ type: 'ask', text: 'Make a frame' })).end.state).toBe('done');
    await socket.run("df['b'] = df['a'] * 10\nprint('added b')");
    fake.script([
      { toolCall: { code: "df = df[df['a'] > 1].reset_index(drop=True)\ndf['c'] = df['b'] + 0.5\ndf" } },
      { text: 'Filtered.' },
    ]);
    expect((await socket.turn({ type: 'ask', text: 'Keep a > 1 and add c' })).end.state).toBe('done');
    const probe = "print(df.shape, df.to_dict('list'))";
    const before = text((await socket.run(probe)).cell.outputs);
    expect(before).toBe("(3, 3) {'a': [2, 3, 4], 'b': [20, 30, 40], 'c': [20.5, 30.5, 40.5]}\n");

    await tb.restart();
    const loaded = await detail(id);
    expect(loaded.stateLost).toBe(true);
    const again = await tb.connect(id, loaded.seq);
    const { end, progress, last, frames } = await restore(again);

    expect(end).toMatchObject({ state: 'done', request: 'restore' });
    const replayable = codeCells(loaded.cells).filter((c) => c.status === 'ok');
    expect(replayable).toHaveLength(4);
    expect(progress[0]).toMatchObject({ state: 'started', done: 0, total: 4 });
    expect(progress.filter((f) => f.state === 'progress').map((f) => [f.done, f.cellId])).toEqual(replayable.map((c, i) => [i, c.id]));
    expect(last).toMatchObject({ state: 'done', done: 4, total: 4 });
    expect(frames).toContainEqual(expect.objectContaining({ type: 'state', lost: false }));
    expect(notices(frames).join('\n')).toMatch(/Restored the kernel state: replayed 4 code cells/);
    // Silent to the transcript: no outputs, no changed cells.
    expect(frames.filter((f) => f.type === 'output' || (f.type === 'cell' && f.cell.kind === 'code'))).toEqual([]);
    const restored = await detail(id);
    expect(codeCells(restored.cells)).toEqual(codeCells(loaded.cells));
    expect(restored.stateLost).toBeUndefined();

    expect(text((await again.run(probe)).cell.outputs)).toBe(before);

    // The assistant is told the state was restored.
    fake.script([{ text: 'Still there.' }]);
    await again.turn({ type: 'ask', text: 'Is df still there?' });
    expect(systemText(fake.requests.at(-1)!.body)).toMatch(/Kernel state: restored after it was lost, by replaying 4 earlier code cells/);
  });

  it('restores after an explicit kernel restart', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    await socket.run('x = 41');
    expect((await detail(id)).stateLost).toBeUndefined();
    expect((await tb.api(`/api/conversations/${id}/restart`, { method: 'POST' })).status).toBe(204);
    await socket.waitFor((f) => f.type === 'state' && f.lost);
    expect((await detail(id)).stateLost).toBe(true);
    expect(text((await socket.run('print("x" in globals())')).cell.outputs)).toBe('False\n');

    const { last } = await restore(socket);
    expect(last).toMatchObject({ state: 'done', done: 2, total: 2 });
    expect(text((await socket.run('print(x + 1)')).cell.outputs)).toBe('42\n');
  });

  it('stops at a replayed cell that now fails, says why, and keeps what the cells before it built', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const write = (await socket.run("# talkbook: no-replay\nopen('data.txt', 'w').write('hello')")).cell;
    expect(write.noReplay).toBe(true);
    await socket.run('a = 1');
    const read = (await socket.run("contents = open('data.txt').read()")).cell;
    await socket.run('b = 2');
    const remove = (await socket.run("# talkbook: no-replay\nimport os\nos.remove('data.txt')")).cell;
    await tb.api(`/api/conversations/${id}/restart`, { method: 'POST' });

    const { end, progress, last, frames } = await restore(socket);
    expect(end.state).toBe('done');
    expect(progress[0]).toMatchObject({ state: 'started', total: 3, skipped: [write.id, remove.id] });
    expect(last).toMatchObject({ state: 'failed', done: 1, total: 3, cellId: read.id });
    expect(last.error).toMatch(/^FileNotFoundError: .*data\.txt/);
    const notice = notices(frames).join('\n');
    expect(notice).toMatch(/Restore stopped at `contents = open\('data.txt'\).read\(\)`, which failed: FileNotFoundError/);
    expect(notice).toMatch(/Skipped 2 cells marked not to replay/);
    expect((await detail(id)).stateLost).toBe(true);

    const { cell } = await socket.run("print(a, 'contents' in globals(), 'b' in globals())");
    expect(text(cell.outputs)).toBe('1 False False\n');
  });

  it('skips a cell marked not to replay with set_cell, and says so', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const once = (await socket.run("with open('count.txt', 'a') as f:\n    f.write('x')")).cell;
    await socket.run('y = 3');
    socket.send({ type: 'set_cell', cellId: once.id, noReplay: true });
    const marked = await socket.waitFor((f) => f.type === 'cell' && f.cell.id === once.id && f.cell.kind === 'code' && f.cell.noReplay === true);
    expect(marked.type).toBe('cell');
    await tb.api(`/api/conversations/${id}/restart`, { method: 'POST' });

    const { progress, last, frames } = await restore(socket);
    expect(progress[0]).toMatchObject({ skipped: [once.id], total: 1 });
    expect(last).toMatchObject({ state: 'done', done: 1, total: 1 });
    expect(notices(frames).join('\n')).toMatch(/Skipped a cell marked not to replay: `with open\('count.txt', 'a'\) as f:`/);
    const { cell } = await socket.run("print(y, open('count.txt').read())");
    expect(text(cell.outputs)).toBe('3 x\n');
    expect(await readFile(join(tb.dataDir, 'workspaces', id, 'count.txt'), 'utf8')).toBe('x');

    // A bad set_cell answers that socket only.
    socket.send({ type: 'set_cell', cellId: 'nope', noReplay: true, requestId: 'bad' });
    expect(await socket.waitFor((f) => f.type === 'error' && f.requestId === 'bad')).toMatchObject({ message: 'There is no code cell nope.' });
  });

  it('cancels mid-restore: the running cell is interrupted and the cells before it are in effect', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    await socket.run('import os, time\nstarted = 1');
    const slow = (await socket.run("if os.path.exists('slow.flag'):\n    time.sleep(120)\nslept = 1")).cell;
    await socket.run('after = 1');
    await socket.run("# talkbook: no-replay\nopen('slow.flag', 'w').close()");
    await tb.api(`/api/conversations/${id}/restart`, { method: 'POST' });

    const from = socket.frames.length;
    const restoring = restore(socket);
    await socket.waitFor((f) => f.type === 'restore' && f.state === 'progress' && f.cellId === slow.id, 60_000, from);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const cancelledAt = Date.now();
    socket.send({ type: 'cancel' });
    const { end, last, frames } = await restoring;
    expect(Date.now() - cancelledAt).toBeLessThan(10_000);
    expect(end.state).toBe('cancelled');
    expect(last).toMatchObject({ state: 'cancelled', done: 1, total: 3, cellId: slow.id });
    expect(notices(frames).join('\n')).toMatch(/Restore cancelled after 1 of 3 code cells/);

    const { cell } = await socket.run("print(started, 'slept' in globals(), 'after' in globals())");
    expect(text(cell.outputs)).toBe('1 False False\n');
  });

  it('answers restore with no code to replay by starting a fresh kernel', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const { end, last } = await restore(socket);
    expect(end.state).toBe('done');
    expect(last).toMatchObject({ state: 'done', done: 0, total: 0 });
  });
});

describe('TALKBOOK_AUTO_RESTORE=1', () => {
  let tb: TestTalkbook;
  beforeAll(async () => {
    tb = await startTestTalkbook({ TALKBOOK_AUTO_RESTORE: '1', TALKBOOK_CHECKPOINT_MB: '0' });
  });
  afterAll(async () => {
    await tb?.close();
  });

  it('restores lost state by itself before the next request', { timeout: 120_000 }, async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    await socket.run('z = 5');
    await tb.restart();
    const { seq } = await (await tb.api(`/api/conversations/${id}`)).json();
    const again = await tb.connect(id, seq);
    const { cell } = await again.run('print(z * 2)');
    expect(text(cell.outputs)).toBe('10\n');
    const turns = again.frames.filter((f): f is TurnFrame => f.type === 'turn');
    expect(turns.map((t) => `${t.request} ${t.state}`)).toEqual(['restore started', 'restore done', 'run started', 'run done']);
    expect(notices(again.frames).join('\n')).toMatch(/Restored the kernel state automatically \(TALKBOOK_AUTO_RESTORE\): replayed 1 code cell/);

    // Once restored, the next request runs at once.
    const next = await again.run('print(z)');
    expect(next.frames.some((f) => f.type === 'restore')).toBe(false);
  });
});
