import { z } from 'zod';

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
