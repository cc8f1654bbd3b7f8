import { z } from 'zod';
import { AssistantConfigError } from './errors.ts';

export const DEFAULT_MODEL = 'gpt-5.1';
export const DEFAULT_MAX_STEPS = 10;

export const assistantConfig = z.object({
  /** Configured = `apiKey` or `baseUrl` is set. */
  apiKey: z.string().min(1).optional(),
  /** An OpenAI-compatible endpoint, usually ending in `/v1`. Default: OpenAI's. */
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  model: z.string().min(1),
  /** Model calls per turn before the assistant stops and says so. */
  maxSteps: z.number().int().min(1).max(100),
  /** `tools`: function calling; `fenced`: run the ```python blocks of the reply (models without tools). */
  toolMode: z.enum(['tools', 'fenced']),
  /** Also send plots to the model as images. */
  vision: z.boolean(),
  /** The SDK's retries of 429/5xx/connection errors. Default 2. */
  maxRetries: z.number().int().min(0).max(10).optional(),
});
export type AssistantConfig = z.infer<typeof assistantConfig>;

/**
 * Reads `OPENAI_API_KEY`, `OPENAI_BASE_URL`, `TALKBOOK_MODEL` (default gpt-5.1),
 * `TALKBOOK_MAX_STEPS` (10), `TALKBOOK_TOOL_MODE` (tools) and `TALKBOOK_VISION` (off).
 * Throws `AssistantConfigError` naming the variable when a value is unusable.
 */
export function assistantConfigFromEnv(env: Record<string, string | undefined>): AssistantConfig {
  const value = (name: string) => {
    const raw = env[name]?.trim();
    return raw ? raw : undefined;
  };
  const maxSteps = value('TALKBOOK_MAX_STEPS');
  const steps = maxSteps === undefined ? DEFAULT_MAX_STEPS : Number(maxSteps);
  if (!Number.isInteger(steps) || steps < 1 || steps > 100) {
    throw new AssistantConfigError(`TALKBOOK_MAX_STEPS must be a whole number from 1 to 100, not "${maxSteps}".`);
  }
  const toolMode = value('TALKBOOK_TOOL_MODE') ?? 'tools';
  if (toolMode !== 'tools' && toolMode !== 'fenced') {
    throw new AssistantConfigError(`TALKBOOK_TOOL_MODE must be "tools" or "fenced", not "${toolMode}".`);
  }
  const vision = (value('TALKBOOK_VISION') ?? '0').toLowerCase();
  if (!['0', '1', 'true', 'false', 'yes', 'no', 'on', 'off'].includes(vision)) {
    throw new AssistantConfigError(`TALKBOOK_VISION must be 1 or 0, not "${vision}".`);
  }
  const baseUrl = value('OPENAI_BASE_URL');
  if (baseUrl !== undefined && !assistantConfig.shape.baseUrl.safeParse(baseUrl).success) {
    throw new AssistantConfigError(`OPENAI_BASE_URL must be a URL like http://localhost:11434/v1, not "${baseUrl}".`);
  }
  const apiKey = value('OPENAI_API_KEY');
  return {
    ...(apiKey ? { apiKey } : {}),
    ...(baseUrl ? { baseUrl } : {}),
    model: value('TALKBOOK_MODEL') ?? DEFAULT_MODEL,
    maxSteps: steps,
    toolMode,
    vision: ['1', 'true', 'yes', 'on'].includes(vision),
  };
}
