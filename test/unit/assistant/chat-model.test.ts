import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createChatModel, ModelAbortedError, ModelError, type ChatEvent, type ChatModel } from '../../../server/llm/index.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../../fakes/openai-server.ts';

let fake: FakeOpenAI;
let model: ChatModel;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  model = createChatModel({ apiKey: 'sk-test', baseUrl: fake.url, model: 'gpt-test', maxRetries: 1 });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
  fake.script([]);
});

async function collect(stream: AsyncIterable<ChatEvent>): Promise<ChatEvent[]> {
  const events: ChatEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

const ask = { messages: [{ role: 'user' as const, content: 'hi' }] };

describe('createChatModel against an OpenAI-compatible server', () => {
  it('streams text deltas and a finish', async () => {
    fake.script([{ text: 'Hello there, friend.' }]);
    const events = await collect(model.stream(ask));
    const text = events.flatMap((e) => (e.type === 'text' ? [e.delta] : [])).join('');
    expect(text).toBe('Hello there, friend.');
    expect(events.filter((e) => e.type === 'text').length).toBeGreaterThan(1);
    expect(events[events.length - 1]).toEqual({ type: 'finish', reason: 'stop' });
    expect(fake.requests[0]!.body).toMatchObject({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer sk-test');
  });

  it('joins tool-call fragments into whole calls', async () => {
    fake.script([
      {
        text: 'Running.',
        toolCalls: [{ code: 'x = 6*7\nprint(x)', id: 'call_A' }, { arguments: '{"code": "1+', id: 'call_B' }],
        chunkSize: 3,
      },
    ]);
    const tools = [{ name: 'run_code', description: 'run', parameters: { type: 'object' } }];
    const events = await collect(model.stream({ ...ask, tools }));
    expect(events.filter((e) => e.type === 'tool_call')).toEqual([
      { type: 'tool_call', call: { id: 'call_A', name: 'run_code', arguments: '{"code":"x = 6*7\\nprint(x)"}' } },
      { type: 'tool_call', call: { id: 'call_B', name: 'run_code', arguments: '{"code": "1+' } },
    ]);
    expect(events[events.length - 1]).toEqual({ type: 'finish', reason: 'tool_calls' });
    expect(fake.requests[0]!.body.tools?.[0]?.function.name).toBe('run_code');
  });

  it('maps 401 to an auth error with the provider message, without retrying', async () => {
    fake.script([{ error: { status: 401, message: 'Incorrect API key provided: sk-test.', code: 'invalid_api_key' } }]);
    const err = await failure(collect(model.stream(ask)));
    expect(err).toBeInstanceOf(ModelError);
    expect(err).toMatchObject({ kind: 'auth', providerStatus: 401, providerMessage: 'Incorrect API key provided: sk-test.' });
    expect((err as Error).message).toBe(
      'The model endpoint rejected the API key (401): Incorrect API key provided: sk-test. Check OPENAI_API_KEY.',
    );
    expect(fake.requests).toHaveLength(1);
  });

  it('retries 429 and 500, then reports them with the provider message', async () => {
    fake.script([
      { error: { status: 429, message: 'Rate limit reached for gpt-test.' } },
      { error: { status: 429, message: 'Rate limit reached for gpt-test.' } },
    ]);
    const limited = await failure(collect(model.stream(ask)));
    expect(limited).toMatchObject({ kind: 'rate_limit', providerStatus: 429 });
    expect((limited as Error).message).toContain('(429) (also after 1 retry): Rate limit reached for gpt-test.');
    expect(fake.requests).toHaveLength(2);

    fake.script([
      { error: { status: 500, message: 'The server had an error.' } },
      { error: { status: 503, message: 'Overloaded.' } },
    ]);
    const failed = await failure(collect(model.stream(ask)));
    expect(failed).toMatchObject({ kind: 'server', providerStatus: 503, providerMessage: 'Overloaded.' });
  });

  it('recovers when a retry succeeds', async () => {
    fake.script([{ error: { status: 500, message: 'oops' } }, { text: 'fine' }]);
    const events = await collect(model.stream(ask));
    expect(events.some((e) => e.type === 'text' && e.delta === 'fine')).toBe(true);
  });

  it('reports 404 and 400 as bad requests naming what to check', async () => {
    fake.script([{ error: { status: 404, message: 'The model `gpt-test` does not exist.' } }]);
    const err = await failure(collect(model.stream(ask)));
    expect(err).toMatchObject({ kind: 'bad_request' });
    expect((err as Error).message).toContain('Check TALKBOOK_MODEL ("gpt-test")');
  });

  it('reports a stream that drops mid-reply as a connection error, after the text that arrived', async () => {
    fake.script([{ drop: 'mid-stream', text: 'Half a sent' }]);
    const events: ChatEvent[] = [];
    const err = await failure(
      (async () => {
        for await (const event of model.stream(ask)) events.push(event);
      })(),
    );
    expect(err).toMatchObject({ kind: 'connection' });
    expect((err as Error).message).toContain('dropped in the middle of its reply');
    expect(events.map((e) => (e.type === 'text' ? e.delta : '')).join('')).toBe('Half a sent');
  });

  it('retries a connection dropped before any response, then gives up with a connection error', async () => {
    fake.script([{ drop: 'before-response' }, { text: 'second try' }]);
    const events = await collect(model.stream(ask));
    expect(events.some((e) => e.type === 'text' && e.delta === 'seco')).toBe(true);
    fake.script([{ drop: 'before-response' }, { drop: 'before-response' }]);
    const err = await failure(collect(model.stream(ask)));
    expect(err).toMatchObject({ kind: 'connection' });
    expect((err as Error).message).toMatch(/^Could not reach the model endpoint at .* \(also after 1 retry\)/);
  });

  it('the fake also answers non-streamed requests like the real API', async () => {
    fake.script([{ text: 'whole', toolCall: { code: 'print(1)', id: 'call_x' } }]);
    const response = await fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(await response.json()).toMatchObject({
      object: 'chat.completion',
      choices: [
        {
          message: { role: 'assistant', content: 'whole', tool_calls: [{ id: 'call_x', function: { name: 'run_code', arguments: '{"code":"print(1)"}' } }] },
          finish_reason: 'tool_calls',
        },
      ],
    });
  });

  it('the fake rejects transcripts the real API would reject', async () => {
    const err = await failure(
      collect(
        model.stream({
          messages: [
            { role: 'user', content: 'hi' },
            { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'run_code', arguments: '{}' }] },
            { role: 'user', content: 'no tool message in between' },
          ],
        }),
      ),
    );
    expect(err).toMatchObject({ kind: 'bad_request', providerStatus: 400 });
    expect((err as Error).message).toContain('did not have response messages: call_1');
  });

  it('reports an unreachable endpoint', async () => {
    const closed = await startFakeOpenAI();
    await closed.close();
    const offline = createChatModel({ apiKey: 'k', baseUrl: closed.url, model: 'm', maxRetries: 0 });
    const err = await failure(collect(offline.stream(ask)));
    expect(err).toMatchObject({ kind: 'connection' });
    expect((err as Error).message).toMatch(/^Could not reach the model endpoint at http:\/\/127\.0\.0\.1:\d+\/v1: .*ECONNREFUSED.*Check OPENAI_BASE_URL/);
  });

  it('stops a hanging stream quickly when the signal fires', async () => {
    fake.script([{ hang: true, text: 'thinking' }]);
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 150);
    const err = await failure(collect(model.stream(ask, controller.signal)));
    expect(err).toBeInstanceOf(ModelAbortedError);
    expect(Date.now() - started).toBeLessThan(1_500);
    await expect.poll(() => fake.aborted.length).toBeGreaterThan(0);
  });

  it('gives up on a stream that goes silent for longer than the idle timeout', async () => {
    const impatient = createChatModel({ apiKey: 'k', baseUrl: fake.url, model: 'm', maxRetries: 0, streamIdleTimeoutMs: 200 });
    fake.script([{ hang: true }]);
    const err = await failure(collect(impatient.stream(ask)));
    expect(err).toMatchObject({ kind: 'connection' });
    expect((err as Error).message).toContain('stopped sending its reply');
  });
});
