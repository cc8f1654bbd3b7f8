import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cell, CodeCell, Output, ServerFrame } from '../../server/protocol/index.ts';
import {
  allText,
  lastToolResult,
  lastUserText,
  startFakeOpenAI,
  systemText,
  type FakeOpenAI,
} from '../fakes/openai-server.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import { withFakeModel } from '../helpers/with-fake-model.ts';
import type { TestSocket } from '../helpers/test-socket.ts';

/**
 * The assistant end to end: the real `openai` SDK inside a real Talkbook with real kernels,
 * talking to a scripted fake of the Chat Completions API, driven through the WebSocket.
 */

let fake: FakeOpenAI;
let tb: TestTalkbook;
withFakeModel((servers) => ({ fake, tb } = servers));

/** The last version of every cell announced in `frames`, in order of first appearance. */
function cellsIn(frames: ServerFrame[]): Cell[] {
  const cells = new Map<string, Cell>();
  for (const frame of frames) if (frame.type === 'cell') cells.set(frame.cell.id, frame.cell);
  return [...cells.values()];
}
const codeCells = (frames: ServerFrame[]) => cellsIn(frames).filter((c): c is CodeCell => c.kind === 'code');
const outputsOf = (frames: ServerFrame[], cellId: string): Output[] =>
  frames.flatMap((f) => (f.type === 'output' && f.cellId === cellId ? [f.output] : []));
const streamed = (frames: ServerFrame[]) => frames.flatMap((f) => (f.type === 'text' ? [f.delta] : [])).join('');
const numberIn = (text: string) => /-?\d+(\.\d+)?/.exec(text)?.[0] ?? 'nothing';

async function conversation(): Promise<TestSocket> {
  const { id } = await tb.createConversation();
  return tb.connect(id);
}

describe('the assistant through the WebSocket (tools mode)', () => {
  it('reports the model in /api/health', async () => {
    const health = await (await tb.api('/api/health', { auth: false })).json();
    expect(health.model).toEqual({ configured: true, name: 'gpt-test' });
  });

  it('two steps: a tool call runs in the kernel and the answer quotes the number from the tool message', async () => {
    const expected = String(parseInt(createHash('sha256').update('talkbook').digest('hex').slice(0, 8), 16) % 100_000);
    fake.script([
      { text: 'Let me compute it.', toolCall: { code: 'import hashlib\nprint(int(hashlib.sha256(b"talkbook").hexdigest()[:8], 16) % 100000)' } },
      (req) => ({ text: `The number is ${numberIn(lastToolResult(req.body))}.` }),
    ]);
    const socket = await conversation();
    const { end, frames } = await socket.turn({ type: 'ask', text: 'Compute the magic number.' });
    expect(end.state).toBe('done');
    const cells = cellsIn(frames);
    expect(cells.map((c) => c.kind)).toEqual(['user', 'assistant', 'code', 'assistant']);
    const code = cells[2] as CodeCell;
    expect(code).toMatchObject({ author: 'assistant', status: 'ok' });
    expect(outputsOf(frames, code.id)).toContainEqual({ output_type: 'stream', name: 'stdout', text: `${expected}\n` });
    expect(lastToolResult(fake.requests[1]!.body)).toBe(expected);
    expect(streamed(frames)).toBe(`Let me compute it.The number is ${expected}.`);
    expect(cells[3]).toMatchObject({ kind: 'assistant' });
  });

  it('a later turn uses a DataFrame from an earlier turn, sees it summarized, and a plot turn yields image/png', async () => {
    const socket = await conversation();
    fake.script([
      { toolCall: { code: 'import pandas as pd\nsales = pd.DataFrame({"month": ["Jan", "Feb", "Mar"], "revenue": [100.5, 200.25, 300.0]})' } },
      { text: 'Loaded `sales`.' },
    ]);
    expect((await socket.turn({ type: 'ask', text: 'Make a sales table.' })).end.state).toBe('done');

    fake.script([
      (req) =>
        systemText(req.body).includes('- sales: DataFrame [3 × 2]: month (object), revenue (float64)')
          ? { toolCall: { code: 'print(sales["revenue"].sum())' } }
          : { text: 'I do not see the sales table.' },
      (req) => ({ text: `Total revenue: ${numberIn(lastToolResult(req.body))}` }),
    ]);
    const total = await socket.turn({ type: 'ask', text: 'Total the revenue column.' });
    expect(total.end.state).toBe('done');
    expect(streamed(total.frames)).toBe('Total revenue: 600.75');

    fake.script([
      { toolCall: { code: 'import matplotlib.pyplot as plt\nplt.plot(sales["month"], sales["revenue"])\nplt.show()' } },
      (req) => ({ text: lastToolResult(req.body).includes('[image/png') ? 'Here is the plot.' : 'No plot?' }),
    ]);
    const plot = await socket.turn({ type: 'ask', text: 'Plot the revenue column.' });
    expect(plot.end.state).toBe('done');
    const [cell] = codeCells(plot.frames);
    const image = outputsOf(plot.frames, cell!.id).find((o) => o.output_type === 'display_data');
    expect(image?.output_type === 'display_data' && typeof image.data['image/png']).toBe('string');
    expect(streamed(plot.frames)).toBe('Here is the plot.');
    expect(lastToolResult(fake.requests[1]!.body)).not.toMatch(/iVBOR/); // no base64 for the model
  });

  it('recovers from an error: the model sees it and a second call succeeds', async () => {
    fake.script([
      { toolCall: { code: 'print("dividing")\n1 / 0' } },
      (req) =>
        lastToolResult(req.body).includes('ZeroDivisionError: division by zero')
          ? { text: 'That failed; retrying.', toolCall: { code: 'print(1 / 4)' } }
          : { text: 'I never saw the error.' },
      (req) => ({ text: `Result: ${numberIn(lastToolResult(req.body))}` }),
    ]);
    const socket = await conversation();
    const { end, frames } = await socket.turn({ type: 'ask', text: 'Divide.' });
    expect(end.state).toBe('done');
    expect(codeCells(frames).map((c) => c.status)).toEqual(['error', 'ok']);
    expect(lastToolResult(fake.requests[1]!.body)).not.toContain('\x1b');
    expect(streamed(frames)).toContain('Result: 0.25');
  });

  it('a malformed tool call is corrected within the turn', async () => {
    fake.script([
      { toolCall: { arguments: '{"code": "print(2 + 2)' } },
      (req) => (lastToolResult(req.body).includes('not valid JSON') ? { toolCall: { code: 'print(2 + 2)' } } : { text: 'no' }),
      (req) => ({ text: `It is ${numberIn(lastToolResult(req.body))}.` }),
    ]);
    const socket = await conversation();
    const { end, frames } = await socket.turn({ type: 'ask', text: 'Add.' });
    expect(end.state).toBe('done');
    expect(codeCells(frames)).toHaveLength(1);
    expect(streamed(frames)).toBe('It is 4.');
  });

  it('401 and 429 fail the turn with the provider message, and the conversation stays usable', async () => {
    const socket = await conversation();
    fake.script([{ error: { status: 401, message: 'Incorrect API key provided: test.', code: 'invalid_api_key' } }]);
    const denied = await socket.turn({ type: 'ask', text: 'Hello?' });
    expect(denied.end.state).toBe('failed');
    expect(denied.end.error).toBe('The model endpoint rejected the API key (401): Incorrect API key provided: test. Check OPENAI_API_KEY.');

    fake.script([{ error: { status: 429, message: 'Rate limit reached for gpt-test on requests per min.' } }, { error: { status: 429, message: 'Rate limit reached for gpt-test on requests per min.' } }, { error: { status: 429, message: 'Rate limit reached for gpt-test on requests per min.' } }]);
    const limited = await socket.turn({ type: 'ask', text: 'Hello again?' });
    expect(limited.end.state).toBe('failed');
    expect(limited.end.error).toContain('(429)');
    expect(limited.end.error).toContain('Rate limit reached for gpt-test on requests per min');

    const run = await socket.run('print("still here")');
    expect(run.cell.status).toBe('ok');
    fake.script([{ text: 'Working again.' }]);
    const ok = await socket.turn({ type: 'ask', text: 'Third time?' });
    expect(ok.end.state).toBe('done');
    const history = allText(fake.requests.at(-1)!.body);
    expect(history).toContain('Hello?');
    expect(history).toContain('Hello again?');
  });

  it('cancel ends a turn stuck in an endless cell, and the kernel keeps working', async () => {
    fake.script([{ toolCall: { code: 'import time\nwhile True:\n    time.sleep(0.05)' } }, { text: 'never' }]);
    const socket = await conversation();
    const from = socket.frames.length;
    socket.send({ type: 'ask', text: 'Spin forever.', requestId: 'spin' });
    await socket.waitFor((f) => f.type === 'cell' && f.cell.kind === 'code' && f.cell.status === 'running', 30_000, from);
    await new Promise((r) => setTimeout(r, 300));
    const cancelledAt = Date.now();
    socket.send({ type: 'cancel' });
    const end = await socket.waitFor((f) => f.type === 'turn' && f.requestId === 'spin' && f.state !== 'started', 10_000, from);
    expect(end).toMatchObject({ state: 'cancelled' });
    expect(Date.now() - cancelledAt).toBeLessThan(3_000);
    expect(fake.requests).toHaveLength(1);
    const { cell } = await socket.run('print("alive")');
    expect(cell.status).toBe('ok');
  });

  it('cancel ends a turn whose model stream hangs, keeping what streamed', async () => {
    fake.script([{ hang: true, text: 'Thinking about it' }]);
    const socket = await conversation();
    const from = socket.frames.length;
    socket.send({ type: 'ask', text: 'Think.', requestId: 'hang' });
    await socket.waitFor((f) => f.type === 'text' && streamed(socket.frames.slice(from)) === 'Thinking about it', 30_000, from);
    socket.send({ type: 'cancel' });
    const end = await socket.waitFor((f) => f.type === 'turn' && f.requestId === 'hang' && f.state !== 'started', 5_000, from);
    expect(end).toMatchObject({ state: 'cancelled' });
    expect(streamed(socket.frames.slice(from))).toBe('Thinking about it');
  });

  it("the request bodies carry earlier turns, the person's own code cells and the dataframe summary", async () => {
    const socket = await conversation();
    fake.script([{ text: 'First answer: hello there.' }]);
    await socket.turn({ type: 'ask', text: 'My first question.' });
    await socket.run('import pandas as pd\npeople = pd.DataFrame({"name": ["Ada", "Linus"], "age": [36, 54]})\nprint(people.age.mean())');

    fake.script([{ text: 'ok' }]);
    await socket.turn({ type: 'ask', text: 'What did I just do?' });
    const body = fake.requests.at(-1)!.body;
    const history = allText(body);
    expect(history).toContain('My first question.');
    expect(history).toContain('First answer: hello there.');
    expect(history).toContain('[I ran this code in the kernel myself]');
    expect(history).toContain('people = pd.DataFrame({"name": ["Ada", "Linus"], "age": [36, 54]})');
    expect(history).toContain('45.0');
    const system = systemText(body);
    expect(system).toContain('- people: DataFrame [2 × 2]: name (object), age (int64)');
    expect(system).toMatch(/Python 3\.\d+/);
    expect(system).toMatch(/pandas \d/);
    expect(lastUserText(body)).toContain('What did I just do?');
    // The probe left nothing behind in the person's namespace.
    const { cell } = await socket.run('print(sorted(k for k in globals() if "talkbook" in k))');
    expect(cell.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '[]\n' }]);
  });
});

describe('the assistant in fenced mode', () => {
  let fenced: TestTalkbook;
  beforeAll(async () => {
    fenced = await startTestTalkbook({ OPENAI_BASE_URL: fake.url, TALKBOOK_TOOL_MODE: 'fenced', TALKBOOK_MODEL: 'local-model' });
  });
  afterAll(() => fenced?.close());

  it('runs the fenced code of the reply and answers from its output', async () => {
    fake.script([
      { text: 'Computing:\n```python\nprint(sum(range(101)))\n```\n', chunkSize: 5 },
      (req) => ({ text: `The sum is ${numberIn(lastUserText(req.body))}.` }),
    ]);
    const { id } = await fenced.createConversation();
    const socket = await fenced.connect(id);
    const { end, frames } = await socket.turn({ type: 'ask', text: 'Sum 0..100.' });
    expect(end.state).toBe('done');
    expect(cellsIn(frames).map((c) => c.kind)).toEqual(['user', 'assistant', 'code', 'assistant']);
    const [cell] = codeCells(frames);
    expect(cell).toMatchObject({ author: 'assistant', source: 'print(sum(range(101)))', status: 'ok' });
    expect(fake.requests[0]!.body.tools).toBeUndefined();
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer not-needed');
    expect(streamed(frames)).toContain('The sum is 5050.');
  });
});

describe('without a model', () => {
  let bare: TestTalkbook;
  beforeAll(async () => {
    bare = await startTestTalkbook({ OPENAI_API_KEY: '', OPENAI_BASE_URL: '' });
  });
  afterAll(() => bare?.close());

  it('ask fails saying what to set, run keeps working, health says no model', async () => {
    const health = await (await bare.api('/api/health', { auth: false })).json();
    expect(health.model).toEqual({ configured: false });
    const { id } = await bare.createConversation();
    const socket = await bare.connect(id);
    const { end } = await socket.turn({ type: 'ask', text: 'Anyone there?' });
    expect(end.state).toBe('failed');
    expect(end.error).toMatch(/Set OPENAI_API_KEY .* or OPENAI_BASE_URL/);
    const { cell } = await socket.run('print(1 + 1)');
    expect(cell.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '2\n' }]);
  });
});
