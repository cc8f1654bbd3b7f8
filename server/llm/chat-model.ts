import OpenAI from 'openai';
import type { ChatEvent, ChatRequest, FinishReason } from './chat-types.ts';
import { chatChunk } from './chunk-schema.ts';
import { ModelAbortedError, ModelError } from './model-error.ts';
import { toModelError, type ErrorContext } from './to-model-error.ts';
import { toOpenAIMessages, toOpenAITools } from './to-openai.ts';
import { ToolCallAccumulator } from './tool-call-accumulator.ts';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export interface ChatModelOptions {
  apiKey: string;
  /** An OpenAI-compatible endpoint, e.g. `http://localhost:11434/v1`. Default: OpenAI's. */
  baseUrl?: string;
  model: string;
  /** Retries of 408/409/429/5xx and connection errors, with the SDK's backoff. Default 2. */
  maxRetries?: number;
  /** Time allowed until the response headers arrive, per attempt. Default 10 minutes. */
  timeoutMs?: number;
  /** Longest silence allowed between two chunks of a streamed reply. Default 5 minutes. */
  streamIdleTimeoutMs?: number;
}

export interface ChatModel {
  /** The model name, as sent in requests. */
  readonly name: string;
  /**
   * Streams one completion. Throws `ModelError` when the endpoint fails (after the SDK's
   * retries) or the stream breaks, and `ModelAbortedError` when `signal` fires.
   */
  stream(request: ChatRequest, signal?: AbortSignal): AsyncGenerator<ChatEvent, void, undefined>;
}

export function createChatModel(options: ChatModelOptions): ChatModel {
  const baseUrl = options.baseUrl ?? OPENAI_DEFAULT_BASE_URL;
  const maxRetries = options.maxRetries ?? 2;
  const idleMs = options.streamIdleTimeoutMs ?? 300_000;
  const client = new OpenAI({
    apiKey: options.apiKey,
    // Explicit, so the SDK does not silently read OPENAI_BASE_URL from the environment.
    baseURL: baseUrl,
    maxRetries,
    timeout: options.timeoutMs ?? 600_000,
  });
  const context: ErrorContext = { baseUrl, model: options.model, maxRetries };

  async function* stream(request: ChatRequest, signal?: AbortSignal): AsyncGenerator<ChatEvent, void, undefined> {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let idleTimer: NodeJS.Timeout | undefined;
    let idledOut = false;
    const armIdleTimer = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        idledOut = true;
        controller.abort();
      }, idleMs);
    };
    const stopped = (): Error | undefined => {
      if (signal?.aborted) return new ModelAbortedError();
      if (idledOut) {
        return new ModelError(
          'connection',
          `The model endpoint stopped sending its reply for ${Math.round(idleMs / 1000)} s. ` +
            'What arrived so far is kept; ask again to continue.',
        );
      }
      return undefined;
    };
    try {
      if (signal?.aborted) throw new ModelAbortedError();
      const tools = request.tools?.length ? toOpenAITools(request.tools) : undefined;
      let chunks;
      try {
        chunks = await client.chat.completions.create(
          {
            model: options.model,
            messages: toOpenAIMessages(request.messages),
            stream: true,
            ...(tools ? { tools } : {}),
          },
          { signal: controller.signal },
        );
      } catch (err) {
        throw stopped() ?? toModelError(err, context);
      }
      armIdleTimer();
      const toolCalls = new ToolCallAccumulator();
      let finish: FinishReason | undefined;
      try {
        for await (const raw of chunks) {
          armIdleTimer();
          const parsed = chatChunk.safeParse(raw);
          if (!parsed.success) {
            throw new ModelError(
              'server',
              `The model endpoint sent a malformed stream chunk: ${parsed.error.issues[0]?.message ?? 'invalid'}. ` +
                'Is OPENAI_BASE_URL an OpenAI-compatible Chat Completions endpoint?',
            );
          }
          const choice = parsed.data.choices?.[0];
          if (!choice) continue; // e.g. the usage chunk
          const content = choice.delta?.content;
          if (content) yield { type: 'text', delta: content };
          if (choice.delta?.tool_calls?.length) toolCalls.add(choice.delta.tool_calls);
          if (choice.finish_reason) finish = choice.finish_reason;
        }
      } catch (err) {
        throw stopped() ?? toModelError(err, context);
      }
      // The SDK ends the iteration quietly when aborted; tell the caller why it ended.
      const reason = stopped();
      if (reason) throw reason;
      if (finish === undefined) {
        throw new ModelError(
          'connection',
          'The connection to the model endpoint dropped in the middle of its reply (the stream ended ' +
            'without a finish reason). What arrived so far is kept; ask again to continue.',
        );
      }
      for (const call of toolCalls.finish()) yield { type: 'tool_call', call };
      yield { type: 'finish', reason: finish };
    } finally {
      clearTimeout(idleTimer);
      signal?.removeEventListener('abort', onAbort);
      // Stops the HTTP response if the consumer stopped early (break / throw).
      controller.abort();
    }
  }

  return { name: options.model, stream };
}
