/**
 * The assistant: turns an `ask` into a conversation with the model, which runs code in the
 * conversation's kernel through a `TurnContext`. Knows nothing of sockets; the model is reached
 * only through `server/llm`.
 */
export { createAssistant } from './create-assistant.ts';
export type { Assistant } from './create-assistant.ts';
export { assistantConfig } from './assistant-config.ts';
export type { AssistantConfig } from './assistant-config.ts';
export { AssistantCancelledError, AssistantNotConfiguredError } from './errors.ts';
export { ModelError } from '../llm/index.ts';
export type { ModelErrorKind } from '../llm/index.ts';
