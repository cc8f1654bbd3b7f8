import type { TurnContext } from '../conversation/turn-context.ts';
import { createChatModel, ModelAbortedError } from '../llm/index.ts';
import { assistantConfig, type AssistantConfig } from './assistant-config.ts';
import { AssistantCancelledError, AssistantNotConfiguredError } from './errors.ts';
import { runAssistantLoop } from './turn-loop.ts';

/** Sent as the API key to servers that need none (a local server given only OPENAI_BASE_URL). */
const PLACEHOLDER_KEY = 'not-needed';

export interface Assistant {
  /** For `GET /api/health`: whether a model is configured, and which. */
  describe(): { configured: boolean; name?: string };
  /**
   * Answers one `ask`: adds the person's message as a user cell, then streams the model's reply
   * and runs the code it asks for, through `ctx`. Rejects with `AssistantNotConfiguredError`,
   * `ModelError` (the endpoint failed; user-facing message), `AssistantCancelledError` (the
   * signal fired), or whatever `ctx` rejected with.
   */
  answer(ctx: TurnContext, text: string): Promise<void>;
}

export function createAssistant(config: AssistantConfig): Assistant {
  const options = assistantConfig.parse(config);
  const configured = Boolean(options.apiKey || options.baseUrl);
  const model = configured
    ? createChatModel({
        apiKey: options.apiKey ?? PLACEHOLDER_KEY,
        ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
        model: options.model,
        ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
      })
    : undefined;

  return {
    describe: () => (configured ? { configured: true, name: options.model } : { configured: false }),
    async answer(ctx, text) {
      // The message is kept even when it cannot be answered: nothing the person wrote is lost.
      ctx.addUserCell(text);
      if (!model) throw new AssistantNotConfiguredError();
      try {
        await runAssistantLoop(ctx, {
          model,
          maxSteps: options.maxSteps,
          toolMode: options.toolMode,
          vision: options.vision,
        });
      } catch (err) {
        if (ctx.signal.aborted || err instanceof ModelAbortedError) throw new AssistantCancelledError();
        throw err;
      }
    },
  };
}
