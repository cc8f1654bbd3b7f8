import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { completion, replyChunks, type CompletionMeta, type FakeToolCallSpec } from './openai-chunks.ts';
import { fakeRequestBody, transcriptProblem, type FakeRequestBody } from './openai-transcript.ts';

export type { FakeToolCallSpec } from './openai-chunks.ts';
export * from './openai-transcript.ts';

/**
 * A fake OpenAI-compatible Chat Completions server that the real `openai` SDK talks to. Tests
 * script it with one reply per expected request; each reply may be computed from the request
 * body the fake received (so an answer can depend on what a tool message said).
 *
 *   const fake = await startFakeOpenAI();
 *   fake.script([
 *     { toolCall: { code: 'print(6*7)' } },
 *     (req) => ({ text: `The answer is ${lastToolResult(req.body).trim()}` }),
 *   ]);
 */
export type FakeReply =
  /** A normal streamed reply: text, then tool calls (split in fragments), then finish. */
  | {
      text?: string;
      toolCall?: FakeToolCallSpec;
      toolCalls?: FakeToolCallSpec[];
      /** Pause between chunks (slow token streaming). Default 0. */
      delayMs?: number;
      /** Characters per content/arguments fragment. Default 4. */
      chunkSize?: number;
      /** Override, e.g. `length`. Default `tool_calls` or `stop`. */
      finishReason?: string;
    }
  /** An HTTP error with an OpenAI-style JSON body. 429/5xx ask the SDK to retry after 5 ms. */
  | { error: { status: number; message: string; type?: string; code?: string | null }; headers?: Record<string, string> }
  /** Stream `text` (if any), then destroy the socket mid-reply. */
  | { drop: 'mid-stream'; text?: string }
  /** Destroy the socket before answering at all. */
  | { drop: 'before-response' }
  /** Stream `text` (if any), then send nothing more until the client goes away. */
  | { hang: true; text?: string };

export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: FakeRequestBody;
}

export type Responder = FakeReply | ((request: RecordedRequest) => FakeReply | Promise<FakeReply>);

export interface FakeOpenAI {
  /** Base URL for the SDK, ending in `/v1`. */
  readonly url: string;
  /** Every valid chat request received, in order. */
  readonly requests: RecordedRequest[];
  /** Replace the queue of replies; each request takes the next one. */
  script(responders: Responder[]): void;
  /** Replies not used yet. */
  pending(): number;
  /** Requests whose connection the client closed before the reply ended (aborts). */
  readonly aborted: RecordedRequest[];
  close(): Promise<void>;
}

export async function startFakeOpenAI(options: { model?: string } = {}): Promise<FakeOpenAI> {
  let queue: Responder[] = [];
  const requests: RecordedRequest[] = [];
  const aborted: RecordedRequest[] = [];
  let counter = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, `fake OpenAI server crashed: ${String(err)}`, 'server_error', { 'x-should-retry': 'false' });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      sendError(res, 404, `Unknown request: ${req.method} ${path}`, 'invalid_request_error');
      return;
    }
    const raw = await readBody(req);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      sendError(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
      return;
    }
    const parsed = fakeRequestBody.safeParse(json);
    if (!parsed.success) {
      sendError(res, 400, `Invalid request body: ${parsed.error.message}`, 'invalid_request_error');
      return;
    }
    const problem = transcriptProblem(parsed.data.messages);
    if (problem) {
      sendError(res, 400, problem, 'invalid_request_error');
      return;
    }
    const recorded: RecordedRequest = { path, headers: req.headers, body: parsed.data };
    requests.push(recorded);
    const responder = queue.shift();
    if (!responder) {
      sendError(res, 500, `fake OpenAI server: no scripted reply left for request #${requests.length}`, 'server_error', {
        'x-should-retry': 'false',
      });
      return;
    }
    const reply = typeof responder === 'function' ? await responder(recorded) : responder;
    const meta: CompletionMeta = {
      id: `chatcmpl-fake${++counter}`,
      model: options.model ?? parsed.data.model,
      created: Math.floor(Date.now() / 1000),
    };
    let closed = false;
    res.on('close', () => {
      if (!res.writableFinished) {
        closed = true;
        aborted.push(recorded);
      }
    });
    await answer(res, reply, meta, parsed.data.stream === true, () => closed);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    aborted,
    script(responders) {
      queue = [...responders];
    },
    pending: () => queue.length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function answer(
  res: ServerResponse,
  reply: FakeReply,
  meta: CompletionMeta,
  stream: boolean,
  isClosed: () => boolean,
): Promise<void> {
  if ('error' in reply) {
    const retryable = reply.error.status === 429 || reply.error.status >= 500;
    sendError(res, reply.error.status, reply.error.message, reply.error.type ?? defaultType(reply.error.status), {
      ...(retryable ? { 'retry-after-ms': '5' } : {}),
      ...reply.headers,
    }, reply.error.code ?? null);
    return;
  }
  if ('drop' in reply && reply.drop === 'before-response') {
    res.socket?.destroy();
    return;
  }
  const plan = planOf(reply);
  if (!stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(completion(meta, plan.text, plan.toolCalls)));
    return;
  }
  const chunks = replyChunks(meta, plan.text, plan.toolCalls, plan);
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-request-id': `req_${meta.id}`,
  });
  res.flushHeaders();
  // An interrupted reply sends its text but never the finish chunk.
  const toSend = plan.ending === 'done' ? chunks : chunks.slice(0, -1);
  for (const data of toSend) {
    if (isClosed()) return;
    res.write(`data: ${JSON.stringify(data)}\n\n`);
    if (plan.delayMs) await sleep(plan.delayMs);
  }
  switch (plan.ending) {
    case 'done':
      res.end('data: [DONE]\n\n');
      return;
    case 'drop':
      await sleep(20); // let the client read what was sent before the connection breaks
      res.socket?.destroy();
      return;
    case 'hang':
      if (!isClosed()) await new Promise<void>((resolve) => res.on('close', () => resolve()));
      return;
  }
}

interface StreamPlan {
  text: string;
  toolCalls: FakeToolCallSpec[];
  delayMs: number;
  chunkSize: number;
  finishReason?: string;
  ending: 'done' | 'drop' | 'hang';
}

function planOf(reply: Exclude<FakeReply, { error: unknown } | { drop: 'before-response' }>): StreamPlan {
  if ('drop' in reply) return { text: reply.text ?? '', toolCalls: [], delayMs: 0, chunkSize: 4, ending: 'drop' };
  if ('hang' in reply) return { text: reply.text ?? '', toolCalls: [], delayMs: 0, chunkSize: 4, ending: 'hang' };
  return {
    text: reply.text ?? '',
    toolCalls: [...(reply.toolCall ? [reply.toolCall] : []), ...(reply.toolCalls ?? [])],
    delayMs: reply.delayMs ?? 0,
    chunkSize: reply.chunkSize ?? 4,
    ...(reply.finishReason ? { finishReason: reply.finishReason } : {}),
    ending: 'done',
  };
}

function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  type: string,
  headers: Record<string, string> = {},
  code: string | null = null,
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ error: { message, type, param: null, code } }));
}

function defaultType(status: number): string {
  if (status === 401) return 'invalid_request_error';
  if (status === 429) return 'rate_limit_exceeded';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}
