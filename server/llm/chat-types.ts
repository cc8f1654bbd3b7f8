/**
 * The slice of OpenAI Chat Completions that Talkbook uses, in its own words, so that nothing
 * outside `server/llm` depends on the `openai` package. `to-openai.ts` maps these to the wire.
 */

export type ContentPart =
  | { type: 'text'; text: string }
  /** `url` is an https URL or a `data:image/png;base64,…` URL. */
  | { type: 'image'; url: string };

export interface ToolCall {
  id: string;
  name: string;
  /** The raw arguments string as the model produced it (normally JSON, not always). */
  arguments: string;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | ContentPart[] }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

/** A function tool offered to the model; `parameters` is a JSON Schema object. */
export interface ToolDefinition {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ChatRequest {
  messages: ChatMessage[];
  /** Omit (or pass none) to offer no tools, e.g. for models without tool calling. */
  tools?: ToolDefinition[];
}

/** `stop`, `tool_calls`, `length`, `content_filter`, or whatever else a server says. */
export type FinishReason = string;

/** What a streamed completion yields, in order: text deltas, then complete tool calls, then `finish`. */
export type ChatEvent =
  | { type: 'text'; delta: string }
  | { type: 'tool_call'; call: ToolCall }
  | { type: 'finish'; reason: FinishReason };
