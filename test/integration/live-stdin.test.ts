import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { conversationDetail, type CodeCell, type Output, type ServerFrame } from '../../server/protocol/index.ts';
import { lastToolResult, startFakeOpenAI, systemText, type FakeOpenAI } from '../fakes/openai-server.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import type { TestSocket } from '../helpers/test-socket.ts';
import { HIDDEN_ANSWER } from '../../server/conversation/stdin-prompts.ts';

/**
 * stdin (issue 20): `input()` and `getpass()` answered from the page, over the socket, with
 * real kernels; the password answer is searched for everywhere it must not be.
 */

let fake: FakeOpenAI;
let tb: TestTalkbook;
const logLines: string[] = [];
const originalError = console.error;

beforeAll(async () => {
  // Everything the server logs (at debug) is kept, to be searched for the password.
  console.error = (...args: unknown[]) => {
    logLines.push(args.map(String).join(' '));
    originalError(...args);
  };
  fake = await startFakeOpenAI();
  tb = await startTestTalkbook({ OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'test', TALKBOOK_MODEL: 'gpt-test', TALKBOOK_STDIN_TIMEOUT_S: '4', TALKBOOK_LOG: 'debug' });
});
afterAll(async () => {
  await tb?.close();
  await fake?.close();
  console.error = originalError;
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.script([]);
});

type StdinFrame = Extract<ServerFrame, { type: 'stdin' }>;
const isStdin = (cellId?: string) => (f: ServerFrame) => f.type === 'stdin' && (cellId === undefined || f.cellId === cellId);
const textOf = (outputs: Output[]) => outputs.map((o) => (o.output_type === 'stream' ? o.text : '')).join('');

async function started(socket: TestSocket, code: string): Promise<{ requestId: string; prompt: StdinFrame; from: number }> {
  const requestId = `r-${Math.random().toString(36).slice(2)}`;
  const from = socket.frames.length;
  socket.send({ type: 'run', code, requestId });
  const prompt = (await socket.waitFor(isStdin(), 30_000, from)) as StdinFrame;
  return { requestId, prompt, from };
}

async function ended(socket: TestSocket, requestId: string, from: number): Promise<CodeCell> {
  await socket.waitFor((f) => f.type === 'turn' && f.requestId === requestId && f.state !== 'started', 30_000, from);
  const cells = socket.frames.slice(from).filter((f): f is Extract<ServerFrame, { type: 'cell' }> => f.type === 'cell' && f.cell.kind === 'code');
  return cells.at(-1)!.cell as CodeCell;
}

/** A new conversation whose assistant runs `code` (then answers with its tool result), asked until the code's prompt comes. */
async function askedUntilPrompt(code: string, text: string, requestId: string): Promise<{ id: string; socket: TestSocket; prompt: StdinFrame; from: number }> {
  fake.script([{ toolCall: { code } }, (req) => ({ text: `Done: ${lastToolResult(req.body)}` })]);
  const { id } = await tb.createConversation();
  const socket = await tb.connect(id);
  const from = socket.frames.length;
  socket.send({ type: 'ask', text, requestId });
  const prompt = (await socket.waitFor(isStdin(), 30_000, from)) as StdinFrame;
  return { id, socket, prompt, from };
}

async function detail(id: string) {
  return conversationDetail.parse(await (await tb.api(`/api/conversations/${id}`)).json());
}

describe('input() in the page', () => {
  it('answers `input()` over the socket: the value reaches the code and the cell shows the line', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const { requestId, prompt, from } = await started(socket, "name = input('Your name? ')\nprint('Hello,', name)");
    expect(prompt).toMatchObject({ prompt: 'Your name? ', password: false });
    expect((await detail(id)).stdin).toEqual({ cellId: prompt.cellId, prompt: 'Your name? ', password: false });
    socket.send({ type: 'stdin_reply', cellId: prompt.cellId, value: 'Ada' });
    const cell = await ended(socket, requestId, from);
    expect(cell.status).toBe('ok');
    expect(textOf(cell.outputs)).toBe('Your name? Ada\nHello, Ada\n');
    expect(socket.frames.slice(from).some((f) => f.type === 'stdin_done' && f.cellId === prompt.cellId)).toBe(true);
    expect((await detail(id)).stdin).toBeUndefined();
    // Nothing waits any more: a late answer is refused, to this socket only.
    const before = socket.frames.length;
    socket.send({ type: 'stdin_reply', cellId: prompt.cellId, value: 'late' });
    const refused = await socket.waitFor((f) => f.type === 'error', 10_000, before);
    expect(refused).toMatchObject({ type: 'error', message: expect.stringContaining('No prompt is waiting') });
  });

  it('never keeps, exports, logs or tells the model a getpass() answer', async () => {
    const secret = 'hunter2-canary-7f3a9c';
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const { requestId, prompt, from } = await started(socket, "import getpass\npw = getpass.getpass('Password: ')\nprint(len(pw), pw == 'hunter2-canary-' + '7f3a9c')");
    expect(prompt).toMatchObject({ prompt: 'Password: ', password: true });
    socket.send({ type: 'stdin_reply', cellId: prompt.cellId, value: secret });
    const cell = await ended(socket, requestId, from);
    expect(cell.status).toBe('ok');
    expect(textOf(cell.outputs)).toBe('Password: (answer hidden)\n21 True\n');

    fake.script([{ text: 'Noted.' }]);
    const asked = await socket.turn({ type: 'ask', text: 'What did my last cell print?' });
    expect(asked.end.state).toBe('done');
    expect(fake.requests).toHaveLength(1);
    expect(JSON.stringify(fake.requests[0]!.body)).toContain('(answer hidden)');

    const places: Array<[string, string]> = [
      ['frames', JSON.stringify(socket.frames)],
      ['GET', await (await tb.api(`/api/conversations/${id}`)).text()],
      ['export', await (await tb.api(`/api/conversations/${id}/notebook`)).text()],
      // The code kept the answer in `pw`: the explorer lists the variable, never its value.
      ['variables', await (await tb.api(`/api/conversations/${id}/variables`)).text()],
      ['model requests', JSON.stringify(fake.requests)],
      ['logs', logLines.join('\n')],
    ];
    // And every file of the data folder (the SQLite database, its WAL).
    for (const name of await readdir(tb.dataDir, { recursive: true })) {
      const content = await readFile(join(tb.dataDir, name)).catch(() => undefined);
      if (content) places.push([`data/${name}`, content.toString('latin1')]);
    }
    expect(places.length).toBeGreaterThan(5);
    expect(places.find(([place]) => place === 'variables')![1]).toContain('(hidden: a password answer)');
    for (const [place, content] of places) expect({ place, leaks: content.includes(secret) }).toEqual({ place, leaks: false });
  });

  it('interrupting ends a waiting prompt', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const { requestId, prompt, from } = await started(socket, "answer = input('Continue? ')");
    socket.send({ type: 'interrupt' });
    const cell = await ended(socket, requestId, from);
    expect(cell.status).toBe('interrupted');
    expect(socket.frames.slice(from).some((f) => f.type === 'stdin_done' && f.cellId === prompt.cellId)).toBe(true);
    expect((await detail(id)).stdin).toBeUndefined();
    // The kernel is free again.
    expect(textOf((await socket.run('print(1 + 1)')).cell.outputs)).toBe('2\n');
  });

  it('cancelling the turn ends a waiting prompt', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const { requestId, prompt, from } = await started(socket, "answer = input('Go on? ')");
    socket.send({ type: 'cancel' });
    const end = await socket.waitFor((f) => f.type === 'turn' && f.requestId === requestId && f.state !== 'started', 30_000, from);
    expect(end).toMatchObject({ state: 'cancelled' });
    expect(socket.frames.slice(from).some((f) => f.type === 'stdin_done' && f.cellId === prompt.cellId)).toBe(true);
    const detailAfter = await detail(id);
    expect(detailAfter.stdin).toBeUndefined();
    expect(detailAfter.cells.find((c) => c.id === prompt.cellId)).toMatchObject({ status: 'interrupted' });
    // A late answer finds nothing waiting, and the kernel is free again.
    const before = socket.frames.length;
    socket.send({ type: 'stdin_reply', cellId: prompt.cellId, value: 'late' });
    expect(await socket.waitFor((f) => f.type === 'error', 10_000, before)).toMatchObject({ message: expect.stringContaining('No prompt is waiting') });
    expect(textOf((await socket.run('print(2 + 2)')).cell.outputs)).toBe('4\n');
  });

  it('a prompt left unanswered past TALKBOOK_STDIN_TIMEOUT_S stops its cell with a clear error', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const { requestId, from } = await started(socket, "answer = input('Anyone there? ')");
    const cell = await ended(socket, requestId, from);
    expect(cell.status).toBe('interrupted');
    expect(cell.failure).toBe('No answer to the prompt "Anyone there?" within 4 s (TALKBOOK_STDIN_TIMEOUT_S): the cell was stopped.');
    expect((await socket.run("print('still here')")).cell.status).toBe('ok');
  });

  it('a tab that reconnects sees the waiting prompt again, a second tab too, and the first answer wins', async () => {
    const { id } = await tb.createConversation();
    const first = await tb.connect(id);
    const { requestId, prompt, from } = await started(first, "colour = input('Colour? ')\nprint(colour.upper())");
    const seqBefore = prompt.seq - 1;
    await first.close();
    // Reconnecting after a frame before the prompt replays it; a tab opened from GET sees it in the detail.
    const again = await tb.connect(id, seqBefore);
    expect(await again.waitFor(isStdin(prompt.cellId))).toMatchObject({ prompt: 'Colour? ', password: false });
    const state = await detail(id);
    expect(state.stdin?.cellId).toBe(prompt.cellId);
    const second = await tb.connect(id, state.seq);
    second.send({ type: 'stdin_reply', cellId: prompt.cellId, value: 'teal' });
    await second.waitFor((f) => f.type === 'stdin_done' && f.cellId === prompt.cellId);
    const before = again.frames.length;
    again.send({ type: 'stdin_reply', cellId: prompt.cellId, value: 'red' });
    expect(await again.waitFor((f) => f.type === 'error', 10_000, before)).toMatchObject({ message: expect.stringContaining('No prompt is waiting') });
    await again.waitFor((f) => f.type === 'turn' && f.requestId === requestId && f.state === 'done', 30_000);
    const cell = (await detail(id)).cells.find((c) => c.id === prompt.cellId) as CodeCell;
    expect(textOf(cell.outputs)).toBe('Colour? teal\nTEAL\n');
    void from;
  });

  it("an assistant turn whose code calls input() waits for the person, then goes on", async () => {
    const { id, socket, prompt, from } = await askedUntilPrompt("city = input('Which city? ')\nprint('Weather for', city)", 'Ask me for a city.', 'ask-1');
    const cell = (await detail(id)).cells.find((c) => c.id === prompt.cellId) as CodeCell;
    expect(cell).toMatchObject({ author: 'assistant', status: 'running' });
    expect(fake.requests).toHaveLength(1); // the turn waits
    socket.send({ type: 'stdin_reply', cellId: prompt.cellId, value: 'Lisbon' });
    const end = await socket.waitFor((f) => f.type === 'turn' && f.requestId === 'ask-1' && f.state !== 'started', 30_000, from);
    expect(end).toMatchObject({ state: 'done' });
    expect(fake.requests).toHaveLength(2);
    expect(lastToolResult(fake.requests[1]!.body)).toContain('Which city? Lisbon\nWeather for Lisbon');
  });

  it("an assistant turn's getpass() waits for the person, and the model is told only that an answer was given", async () => {
    const secret = 'assistant-canary-5d1e08';
    const { id, socket, prompt, from } = await askedUntilPrompt("import getpass\ntoken = getpass.getpass('API token: ')\nprint('token length', len(token))", 'Log me in.', 'ask-pw');
    expect(prompt).toMatchObject({ prompt: 'API token: ', password: true });
    expect(fake.requests).toHaveLength(1);
    socket.send({ type: 'stdin_reply', cellId: prompt.cellId, value: secret });
    const end = await socket.waitFor((f) => f.type === 'turn' && f.requestId === 'ask-pw' && f.state !== 'started', 30_000, from);
    expect(end).toMatchObject({ state: 'done' });
    expect(fake.requests).toHaveLength(2);
    expect(lastToolResult(fake.requests[1]!.body)).toContain(`API token: ${HIDDEN_ANSWER}\ntoken length ${secret.length}`);
    // And the next question's context (the variable listing names `token`, never its value).
    fake.script([{ text: 'ok' }]);
    await socket.turn({ type: 'ask', text: 'Which variables do I have?' });
    expect(systemText(fake.requests[2]!.body)).toMatch(/- token: .*\(hidden: a password answer\)/);
    expect(fake.requests.map((request) => JSON.stringify(request.body).includes(secret))).toEqual([false, false, false]);
    expect(JSON.stringify(socket.frames).includes(secret)).toBe(false);
    expect((await (await tb.api(`/api/conversations/${id}/notebook`)).text()).includes(secret)).toBe(false);
  });
});

describe('the cell time limit and a waiting prompt', () => {
  let limited: TestTalkbook;
  beforeAll(async () => {
    limited = await startTestTalkbook({ TALKBOOK_CELL_TIMEOUT_S: '2', TALKBOOK_STDIN_TIMEOUT_S: '60' });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('stands still while the person answers, and runs on after the answer', async () => {
    const { id } = await limited.createConversation();
    const socket = await limited.connect(id);
    const { requestId, prompt, from } = await started(socket, "answer = input('Take your time: ')\nprint('got', answer)");
    // Longer than the 2 s limit: the person's thinking time is not the cell's.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    socket.send({ type: 'stdin_reply', cellId: prompt.cellId, value: 'slowly' });
    const cell = await ended(socket, requestId, from);
    expect(cell.status).toBe('ok');
    expect(textOf(cell.outputs)).toContain('got slowly\n');

    const late = await started(socket, "input('Quick: ')\nimport time\ntime.sleep(30)");
    socket.send({ type: 'stdin_reply', cellId: late.prompt.cellId, value: 'yes' });
    const stopped = await ended(socket, late.requestId, late.from);
    expect(stopped.status).toBe('interrupted');
    expect(stopped.failure).toContain('cell time limit of 2 s');
  });
});
