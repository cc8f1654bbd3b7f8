/**
 * The assistant's errors carry `expose = true`: their messages are written for the person, so
 * the turn runner shows them in the failed turn instead of a masked "something went wrong".
 */

/** `ask` without a model: the turn fails with this message; `run` keeps working. */
export class AssistantNotConfiguredError extends Error {
  override readonly name = 'AssistantNotConfiguredError';
  readonly expose = true;
  constructor() {
    super(
      'No model is configured, so the assistant cannot answer. Set OPENAI_API_KEY (for OpenAI) or ' +
        'OPENAI_BASE_URL (for a local OpenAI-compatible server such as Ollama or llama.cpp) and restart Talkbook. ' +
        'Running code yourself works without a model.',
    );
  }
}

/** The turn's signal fired (the person cancelled); what already happened stays. */
export class AssistantCancelledError extends Error {
  override readonly name = 'AbortError';
  readonly expose = true;
  constructor() {
    super('The turn was cancelled.');
  }
}

/** An environment variable for the assistant has a value it cannot use. */
export class AssistantConfigError extends Error {
  override readonly name = 'AssistantConfigError';
  readonly expose = true;
}
