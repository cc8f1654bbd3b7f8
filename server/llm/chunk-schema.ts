import { z } from 'zod';

/**
 * A streamed `chat.completion.chunk`, validated loosely: OpenAI-compatible servers (Ollama,
 * vLLM, llama.cpp) differ in which fields they send, so only what Talkbook reads is checked,
 * and unknown fields pass through.
 */
const toolCallDelta = z.looseObject({
  index: z.number().int().nonnegative().optional(),
  id: z.string().nullish(),
  function: z
    .looseObject({ name: z.string().nullish(), arguments: z.string().nullish() })
    .nullish(),
});

const choice = z.looseObject({
  index: z.number().int().optional(),
  delta: z
    .looseObject({
      content: z.string().nullish(),
      tool_calls: z.array(toolCallDelta).nullish(),
    })
    .nullish(),
  finish_reason: z.string().nullish(),
});

export const chatChunk = z.looseObject({ choices: z.array(choice).nullish() });

export type ChatChunk = z.infer<typeof chatChunk>;
export type ToolCallDelta = z.infer<typeof toolCallDelta>;
