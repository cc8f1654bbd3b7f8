import { PublicError } from '../errors.ts';

/**
 * The assistant's errors are `PublicError`s: their messages are written for the person, so the
 * failed turn shows them instead of a masked "something went wrong".
 */

/** `ask` without a model: the turn fails with this message; `run` keeps working. */
export class AssistantNotConfiguredError extends PublicError {
  override readonly name = 'AssistantNotConfiguredError';
  constructor() {
    super(
      'No model is configured, so the assistant cannot answer. Set OPENAI_API_KEY (for OpenAI) or ' +
        'OPENAI_BASE_URL (for a local OpenAI-compatible server such as Ollama or llama.cpp) and restart Talkbook. ' +
        'Running code yourself works without a model.',
      503,
    );
  }
}

/** The turn's signal fired (the person cancelled); what already happened stays. */
export class AssistantCancelledError extends PublicError {
  override readonly name = 'AbortError';
  constructor() {
    super('The turn was cancelled.', 499);
  }
}
