import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AssistantCancelledError,
  AssistantNotConfiguredError,
  createAssistant,
  ModelError,
  type AssistantConfig,
} from '../../../server/assistant/index.ts';
import type { Cell } from '../../../server/protocol/index.ts';
import {
  allText,
  lastToolResult,
  lastUserText,
  startFakeOpenAI,
  systemText,
  toolResults,
  type FakeOpenAI,
} from '../../fakes/openai-server.ts';
import { createFakeTurnContext, error, png, stdout, type FakeContextOptions, type FakeRun } from './fake-turn-context.ts';

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
  fake.aborted.length = 0;
  fake.script([]);
});

const config = (overrides: Partial<AssistantConfig> = {}): AssistantConfig => ({
  apiKey: 'test',
  baseUrl: fake.url,
  model: 'gpt-test',
  maxSteps: 10,
  toolMode: 'tools',
  vision: false,
  maxRetries: 1,
  ...overrides,
});

/** A tiny "kernel": knows a few programs by heart. */
function kernel(source: string): FakeRun {
  if (source.includes('6*7')) return { outputs: [stdout('42\n')] };
  if (source.includes('undefined_name')) {
    return {
      outputs: [
        stdout('starting\n'),
        error('NameError', "name 'undefined_name' is not defined", [
          '\x1b[0;31mNameError\x1b[0m Traceback (most recent call last)',
          'Cell \x1b[0;32mIn[1], line 1\x1b[0m\n----> 1 print(undefined_name)',
          "\x1b[0;31mNameError\x1b[0m: name 'undefined_name' is not defined",
        ]),
      ],
    };
  }
  if (source.includes('plt.')) return { outputs: [png(20 * 1024)] };
  return { outputs: [] };
}

const context = (options: FakeContextOptions = {}) => createFakeTurnContext({ run: kernel, ...options });
const numberIn = (text: string) => /\d+/.exec(text)?.[0] ?? 'nothing';
const visible = (cells: readonly Cell[]) =>
  cells.map((c) => (c.kind === 'code' ? `code(${c.author}): ${c.source}` : c.kind === 'notice' ? `notice: ${c.text}` : `${c.kind}: ${c.text}`));

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('the assistant loop (tools mode)', () => {
  it('runs a tool call and answers with a number it only saw in the tool message', async () => {
    fake.script([
      { text: 'Let me compute that.', toolCall: { code: 'x = 6*7\nprint(x)' } },
      (req) => ({ text: `The answer is ${numberIn(lastToolResult(req.body))}.` }),
    ]);
    const ctx = context();
    await createAssistant(config()).answer(ctx, 'What is six times seven?');

    expect(ctx.log[0]).toBe('user: What is six times seven?');
    expect(visible(ctx.cells())).toEqual([
      'user: What is six times seven?',
      'assistant: Let me compute that.',
      'code(assistant): x = 6*7\nprint(x)',
      'assistant: The answer is 42.',
    ]);
    const [first, second] = fake.requests;
    expect(first!.body.tools?.map((t) => t.function.name)).toEqual(['run_code', 'undo_last_cell']);
    expect(lastUserText(first!.body)).toBe('What is six times seven?');
    const assistantMessage = second!.body.messages.find((m) => m.role === 'assistant');
    const toolMessage = second!.body.messages.find((m) => m.role === 'tool');
    expect(assistantMessage).toMatchObject({ content: 'Let me compute that.', tool_calls: [{ function: { name: 'run_code' } }] });
    expect(toolMessage).toMatchObject({ tool_call_id: (assistantMessage as { tool_calls: { id: string }[] }).tool_calls[0]!.id });
    expect(toolMessage!.content).toBe('42');
  });

  it('shows the model an error so it can fix its code', async () => {
    fake.script([
      { toolCall: { code: 'print(undefined_name)' } },
      (req) =>
        lastToolResult(req.body).includes("NameError: name 'undefined_name' is not defined")
          ? { text: 'Oops, fixing.', toolCall: { code: 'print(6*7)' } }
          : { text: 'I never saw the error.' },
      (req) => ({ text: `Fixed: ${numberIn(lastToolResult(req.body))}` }),
    ]);
    const ctx = context();
    await createAssistant(config()).answer(ctx, 'go');
    expect(ctx.executed).toEqual(['print(undefined_name)', 'print(6*7)']);
    const errorResult = toolResults(fake.requests[1]!.body)[0]!;
    expect(errorResult).toContain('starting');
    expect(errorResult).toContain('----> 1 print(undefined_name)');
    expect(errorResult).not.toContain('\x1b');
    expect(ctx.cells().at(-1)).toMatchObject({ kind: 'assistant', text: 'Fixed: 42' });
  });

  it('lets the model correct malformed tool arguments, running nothing for them', async () => {
    fake.script([
      { toolCall: { arguments: '{"code": "print(6*7)' } },
      (req) =>
        lastToolResult(req.body).includes('not valid JSON') ? { toolCall: { arguments: '{"source": "print(6*7)"}' } } : { text: 'no' },
      (req) =>
        lastToolResult(req.body).includes('string field "code"') ? { toolCall: { code: 'print(6*7)' } } : { text: 'no' },
      (req) => ({ text: `Got ${numberIn(lastToolResult(req.body))}` }),
    ]);
    const ctx = context();
    await createAssistant(config()).answer(ctx, 'go');
    expect(ctx.executed).toEqual(['print(6*7)']);
    expect(ctx.cells().at(-1)).toMatchObject({ kind: 'assistant', text: 'Got 42' });
  });

  it('undoes its last step with the undo tool and is told what came back', async () => {
    fake.script([
      { toolCall: { code: 'df = df.dropna()' } },
      { toolCall: { name: 'undo_last_cell', arguments: '{}' } },
      (req) => ({ text: `Tool said: ${lastToolResult(req.body)}` }),
    ]);
    const ctx = context();
    await createAssistant(config()).answer(ctx, 'drop the empty rows, then undo that');
    expect(ctx.log).toContain('undo');
    expect(ctx.cells().find((cell) => cell.kind === 'code')).toMatchObject({ source: 'df = df.dropna()', undone: true });
    expect(ctx.cells().at(-1)).toMatchObject({ kind: 'assistant', text: 'Tool said: Undid `df = df.dropna()`: the variables are as they were before it.' });
    expect(JSON.stringify(fake.requests[0]!.body)).toContain('undo_last_cell');
  });

  it('runs every tool call of one reply, in order', async () => {
    fake.script([
      { toolCalls: [{ code: 'a = 1' }, { code: 'print(6*7)' }] },
      (req) => ({ text: toolResults(req.body).join(' | ') }),
    ]);
    const ctx = context();
    await createAssistant(config()).answer(ctx, 'go');
    expect(ctx.executed).toEqual(['a = 1', 'print(6*7)']);
    expect(ctx.cells().at(-1)).toMatchObject({ text: '(no output) | 42' });
  });

  it('stops at the step limit and says how to raise it', async () => {
    fake.script(Array.from({ length: 5 }, () => ({ toolCall: { code: 'print(6*7)' } })));
    const ctx = context();
    await createAssistant(config({ maxSteps: 3 })).answer(ctx, 'loop forever');
    expect(fake.requests).toHaveLength(3);
    expect(ctx.executed).toHaveLength(3);
    const notice = ctx.cells().at(-1);
    expect(notice).toMatchObject({ kind: 'notice', level: 'warning' });
    expect(notice && 'text' in notice && notice.text).toContain('stopped after 3 model calls');
    expect(notice && 'text' in notice && notice.text).toContain('raise TALKBOOK_MAX_STEPS (now 3)');
  });

  it.each([
    [401, 'auth', 'Incorrect API key provided: test.', 'rejected the API key (401): Incorrect API key provided: test. Check OPENAI_API_KEY.'],
    [429, 'rate_limit', 'Rate limit reached for requests', 'rate limiting requests (429) (also after 1 retry): Rate limit reached for requests'],
    [500, 'server', 'The server had an error while processing your request.', 'failed (500) (also after 1 retry): The server had an error'],
  ])('a %i fails the turn with a typed error carrying the provider message', async (status, kind, message, expected) => {
    fake.script([{ error: { status, message } }, { error: { status, message } }]);
    const ctx = context();
    const err = await failure(createAssistant(config()).answer(ctx, 'hello?'));
    expect(err).toBeInstanceOf(ModelError);
    expect(err).toMatchObject({ kind, providerMessage: message });
    expect((err as Error).message).toContain(expected);
    expect(visible(ctx.cells())).toEqual(['user: hello?']);
  });

  it('a dropped stream fails the turn, keeps what streamed, and the next turn works with that history', async () => {
    fake.script([{ drop: 'mid-stream', text: 'The first half of my ans' }]);
    const ctx = context();
    const err = await failure(createAssistant(config()).answer(ctx, 'first question'));
    expect(err).toMatchObject({ kind: 'connection' });
    expect(visible(ctx.cells())).toEqual(['user: first question', 'assistant: The first half of my ans']);

    fake.script([{ text: 'All good now.' }]);
    const next = context({ cells: [...ctx.cells()] });
    await createAssistant(config()).answer(next, 'try again');
    expect(next.cells().at(-1)).toMatchObject({ text: 'All good now.' });
    const body = fake.requests.at(-1)!.body;
    expect(body.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(allText(body)).toContain('The first half of my ans');
  });

  it('cancel aborts a slow stream quickly and keeps the text that arrived', async () => {
    fake.script([{ text: 'word '.repeat(400), delayMs: 20, chunkSize: 5 }]);
    const ctx = context();
    const started = Date.now();
    setTimeout(() => ctx.cancel(), 250);
    const err = await failure(createAssistant(config()).answer(ctx, 'talk a lot'));
    expect(err).toBeInstanceOf(AssistantCancelledError);
    expect(Date.now() - started).toBeLessThan(1_500);
    const text = ctx.cells().find((c) => c.kind === 'assistant');
    expect(text && 'text' in text && text.text).toMatch(/^(word )+/);
    expect(text && 'text' in text && text.text.length).toBeLessThan(2_000);
    await expect.poll(() => fake.aborted.length).toBe(1);
  });

  it('cancel ends a turn stuck in an endless cell', async () => {
    fake.script([{ toolCall: { code: 'while True: pass' } }, { text: 'never asked' }]);
    const ctx = context({
      // Like the real runner: the cell ends `interrupted` once the kernel is interrupted.
      run: (_source, signal) =>
        new Promise<FakeRun>((resolve) =>
          signal.addEventListener('abort', () => setTimeout(() => resolve({ outputs: [], status: 'interrupted' }), 50)),
        ),
    });
    setTimeout(() => ctx.cancel(), 200);
    const err = await failure(createAssistant(config()).answer(ctx, 'spin'));
    expect(err).toBeInstanceOf(AssistantCancelledError);
    expect(fake.requests).toHaveLength(1);
  });

  it('adds notices for empty and cut-off replies', async () => {
    fake.script([{ text: '' }]);
    const ctx = context();
    await createAssistant(config()).answer(ctx, 'say nothing');
    expect(ctx.cells().at(-1)).toMatchObject({ kind: 'notice', text: expect.stringContaining('empty reply') });

    fake.script([{ text: 'This is cut', finishReason: 'length' }]);
    const cut = context();
    await createAssistant(config()).answer(cut, 'long');
    expect(cut.cells().at(-1)).toMatchObject({ kind: 'notice', text: expect.stringContaining('cut off') });
  });
});

describe('what the model is told', () => {
  const probe = {
    libraries: [
      { name: 'pandas', version: '2.2.3' },
      { name: 'matplotlib', version: '3.9.2' },
    ],
  };
  const listing = {
    variables: [
      { name: 'prices', type: 'Series', shape: [5], dtype: 'int64', preview: '[1, 2, 3, 4, 5]' },
      { name: 'sales', type: 'DataFrame', shape: [120, 2], bytes: 2048, columns: [['month', 'object'], ['revenue', 'float64']] },
    ],
    total: 2,
  };
  const probeOutput = `__talkbook_probe__${JSON.stringify(probe)}\n__talkbook_variables__${JSON.stringify(listing)}\n`;
  const earlier: Cell[] = [
    { id: 'u1', createdAt: '', kind: 'user', text: 'Load the sales data please' },
    { id: 'c1', createdAt: '', kind: 'code', author: 'assistant', source: 'sales = pd.read_csv("sales.csv")', status: 'ok', executionCount: 1, outputs: [] },
    { id: 'a1', createdAt: '', kind: 'assistant', text: 'Loaded 120 rows into `sales`.' },
    { id: 'c2', createdAt: '', kind: 'code', author: 'user', source: 'sales.revenue.max()', status: 'ok', executionCount: 2, outputs: [{ output_type: 'execute_result', execution_count: 2, data: { 'text/plain': '9876.5' }, metadata: {} }] },
  ];

  it('sends history, the person’s code cells, libraries, files and the dataframe summary', async () => {
    fake.script([{ text: 'ok' }]);
    const ctx = context({
      cells: earlier,
      inspect: () => ({ stdout: probeOutput, stderr: '' }),
      files: [{ name: 'sales.csv', size: 4096, modified: '' }],
    });
    await createAssistant(config()).answer(ctx, 'plot the revenue column');
    const body = fake.requests[0]!.body;
    const system = systemText(body);
    expect(system).toContain('Python 3.12.4');
    expect(system).toContain('persistent Jupyter kernel');
    expect(system).toContain('pandas 2.2.3, matplotlib 3.9.2');
    expect(system).toContain('- sales.csv (4 KB)');
    expect(system).toContain('Variables in the kernel right now (the person sees the same list in the variable explorer)');
    expect(system).toContain('- sales: DataFrame [120 × 2], 2 KB: month (object), revenue (float64)');
    expect(system).toContain('- prices: Series [5], dtype int64 = [1, 2, 3, 4, 5]');
    const history = allText(body);
    expect(history).toContain('Load the sales data please');
    expect(history).toContain('sales = pd.read_csv("sales.csv")');
    expect(history).toContain('Loaded 120 rows into `sales`.');
    expect(history).toContain('[I ran this code in the kernel myself]\n```python\nsales.revenue.max()\n```\n[Output]\nOut[2]: 9876.5');
    expect(lastUserText(body).endsWith('plot the revenue column')).toBe(true);
    // The probe ran silently, once: the libraries and the variable explorer's own listing.
    expect(ctx.inspected).toHaveLength(1);
    expect(ctx.inspected[0]).toContain('del __talkbook_probe');
    expect(ctx.inspected[0]).toContain('del __talkbook_variables');
  });

  it('still answers when the probe fails, and lists only the variables for R', async () => {
    fake.script([{ text: 'ok' }, { text: 'ok' }]);
    const broken = context({ inspect: () => Promise.reject(new Error('kernel busy')) });
    await createAssistant(config()).answer(broken, 'hi');
    expect(broken.cells().at(-1)).toMatchObject({ text: 'ok' });

    const r = context({ kernelInfo: { language: 'R', languageVersion: '4.3.1', fileExtension: '.r', displayName: 'R' } });
    await createAssistant(config()).answer(r, 'hi');
    expect(r.inspected).toHaveLength(1);
    expect(r.inspected[0]).toContain('globalenv()');
    expect(systemText(fake.requests[1]!.body)).toContain('R 4.3.1');
    expect(fake.requests[1]!.body.tools?.[0]?.function.description).toContain('Run R 4.3.1 code');
  });

  it('attaches plots as images only with vision on', async () => {
    for (const vision of [true, false]) {
      fake.requests.length = 0;
      fake.script([{ toolCall: { code: 'plt.plot([1, 2])' } }, { text: 'A line.' }]);
      await createAssistant(config({ vision })).answer(context(), 'plot');
      const body = fake.requests[1]!.body;
      expect(lastToolResult(body)).toContain('[image/png 20 KB image, shown to the person]');
      const imageMessages = body.messages.filter(
        (m) => m.role === 'user' && Array.isArray(m.content) && m.content.some((p) => p.type === 'image_url'),
      );
      expect(imageMessages).toHaveLength(vision ? 1 : 0);
      if (vision) {
        const parts = imageMessages[0]!.content as { type: string; image_url?: { url: string } }[];
        expect(parts.find((p) => p.type === 'image_url')!.image_url!.url).toMatch(/^data:image\/png;base64,Bw/);
        expect(body.messages.at(-1)).toBe(imageMessages[0]);
      }
    }
  });
});

describe('fenced mode', () => {
  it('runs the fenced blocks of the reply and sends their outputs back', async () => {
    fake.script([
      { text: 'Computing:\n```python\nx = 6*7\nprint(x)\n```\n', chunkSize: 3 },
      (req) => ({ text: `It is ${numberIn(lastUserText(req.body))}.` }),
    ]);
    const ctx = context();
    await createAssistant(config({ toolMode: 'fenced' })).answer(ctx, 'six times seven?');
    expect(visible(ctx.cells())).toEqual([
      'user: six times seven?',
      'assistant: Computing:\n',
      'code(assistant): x = 6*7\nprint(x)',
      'assistant: It is 42.',
    ]);
    const second = fake.requests[1]!.body;
    expect(fake.requests[0]!.body.tools).toBeUndefined();
    expect(systemText(second)).toContain('fenced block tagged ```python');
    expect(second.messages.at(-2)).toMatchObject({ role: 'assistant', content: 'Computing:\n```python\nx = 6*7\nprint(x)\n```\n' });
    expect(lastUserText(second)).toContain('[Output of your code]\n42');
  });

  it('loops on errors and stops at the step limit the same way', async () => {
    fake.script([
      { text: '```python\nprint(undefined_name)\n```' },
      (req) => (lastUserText(req.body).includes('NameError') ? { text: '```py\nprint(6*7)\n```' } : { text: 'no' }),
      { text: '```\nprint(6*7)\n```' },
    ]);
    const ctx = context();
    await createAssistant(config({ toolMode: 'fenced', maxSteps: 3 })).answer(ctx, 'go');
    expect(ctx.executed).toEqual(['print(undefined_name)', 'print(6*7)', 'print(6*7)']);
    expect(ctx.cells().at(-1)).toMatchObject({ kind: 'notice', text: expect.stringContaining('TALKBOOK_MAX_STEPS') });
  });
});

describe('configuration', () => {
  it('without a key or URL: not configured, and asking keeps the message and explains', async () => {
    const assistant = createAssistant({ model: 'gpt-5.1', maxSteps: 10, toolMode: 'tools', vision: false });
    expect(assistant.describe()).toEqual({ configured: false });
    const ctx = context();
    const err = await failure(assistant.answer(ctx, 'hello'));
    expect(err).toBeInstanceOf(AssistantNotConfiguredError);
    expect((err as Error).message).toMatch(/Set OPENAI_API_KEY .* or OPENAI_BASE_URL/);
    expect(visible(ctx.cells())).toEqual(['user: hello']);
  });

  it('a base URL alone is enough (local servers), with a placeholder key', async () => {
    fake.script([{ text: 'local hello' }]);
    const assistant = createAssistant(config({ apiKey: undefined, model: 'llama3.1' }));
    expect(assistant.describe()).toEqual({ configured: true, name: 'llama3.1' });
    await assistant.answer(context(), 'hi');
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer not-needed');
    expect(fake.requests[0]!.body.model).toBe('llama3.1');
  });
});
