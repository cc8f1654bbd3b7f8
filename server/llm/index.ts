/**
 * The only module that talks to the model (through the `openai` SDK). It knows nothing of
 * conversations, kernels or WebSockets: messages in, a stream of typed events out.
 */
export { createChatModel, OPENAI_DEFAULT_BASE_URL } from './chat-model.ts';
export type { ChatModel, ChatModelOptions } from './chat-model.ts';
export { ModelError, ModelAbortedError } from './model-error.ts';
export type { ModelErrorKind } from './model-error.ts';
export type {
  ChatEvent,
  ChatMessage,
  ChatRequest,
  ContentPart,
  FinishReason,
  ToolCall,
  ToolDefinition,
} from './chat-types.ts';
