/**
 * Builders for the JSON bodies the real Chat Completions API sends: streamed
 * `chat.completion.chunk`s and non-streamed `chat.completion`s.
 */

export interface FakeToolCallSpec {
  /** Run this code: the arguments become `{"code": …}`. */
  code?: string;
  /** Or send these raw arguments verbatim (to test malformed ones). */
  arguments?: string;
  /** Default `run_code`. */
  name?: string;
  id?: string;
}

export interface CompletionMeta {
  id: string;
  model: string;
  created: number;
}

export function toolCallArguments(spec: FakeToolCallSpec): string {
  return spec.arguments ?? JSON.stringify({ code: spec.code ?? '' });
}

export function chunk(meta: CompletionMeta, delta: Record<string, unknown>, finishReason: string | null = null) {
  return {
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    system_fingerprint: 'fp_fake',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

/** The chunks of one streamed reply: role, content pieces, tool calls in fragments, finish. */
export function replyChunks(
  meta: CompletionMeta,
  text: string,
  toolCalls: readonly FakeToolCallSpec[],
  options: { chunkSize: number; finishReason?: string },
): object[] {
  const chunks: object[] = [chunk(meta, { role: 'assistant', content: '', refusal: null })];
  for (const piece of split(text, options.chunkSize)) chunks.push(chunk(meta, { content: piece }));
  toolCalls.forEach((call, index) => {
    chunks.push(
      chunk(meta, {
        tool_calls: [
          {
            index,
            id: call.id ?? `call_fake${index}${meta.id.slice(-6)}`,
            type: 'function',
            function: { name: call.name ?? 'run_code', arguments: '' },
          },
        ],
      }),
    );
    for (const piece of split(toolCallArguments(call), options.chunkSize)) {
      chunks.push(chunk(meta, { tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  const finish = options.finishReason ?? (toolCalls.length ? 'tool_calls' : 'stop');
  chunks.push(chunk(meta, {}, finish));
  return chunks;
}

export function completion(meta: CompletionMeta, text: string, toolCalls: readonly FakeToolCallSpec[]) {
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text || null,
          refusal: null,
          ...(toolCalls.length
            ? {
                tool_calls: toolCalls.map((call, index) => ({
                  id: call.id ?? `call_fake${index}`,
                  type: 'function',
                  function: { name: call.name ?? 'run_code', arguments: toolCallArguments(call) },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: toolCalls.length ? 'tool_calls' : 'stop',
      },
    ],
    usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
  };
}

function split(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}
