import { describe, expect, it } from 'vitest';
import { AssistantConfigError, assistantConfigFromEnv } from '../../../server/assistant/index.ts';

describe('assistantConfigFromEnv', () => {
  it('has sensible defaults and no model without a key or URL', () => {
    expect(assistantConfigFromEnv({})).toEqual({ model: 'gpt-5.1', maxSteps: 10, toolMode: 'tools', vision: false });
  });

  it('reads every variable', () => {
    expect(
      assistantConfigFromEnv({
        OPENAI_API_KEY: ' sk-1 ',
        OPENAI_BASE_URL: 'http://localhost:11434/v1',
        TALKBOOK_MODEL: 'qwen2.5-coder',
        TALKBOOK_MAX_STEPS: '4',
        TALKBOOK_TOOL_MODE: 'fenced',
        TALKBOOK_VISION: '1',
      }),
    ).toEqual({
      apiKey: 'sk-1',
      baseUrl: 'http://localhost:11434/v1',
      model: 'qwen2.5-coder',
      maxSteps: 4,
      toolMode: 'fenced',
      vision: true,
    });
  });

  it.each([
    [{ TALKBOOK_MAX_STEPS: 'ten' }, 'TALKBOOK_MAX_STEPS must be a whole number'],
    [{ TALKBOOK_TOOL_MODE: 'json' }, 'TALKBOOK_TOOL_MODE must be "tools" or "fenced"'],
    [{ TALKBOOK_VISION: 'maybe' }, 'TALKBOOK_VISION must be 1 or 0'],
    [{ OPENAI_BASE_URL: 'localhost:11434' }, 'OPENAI_BASE_URL must be a URL'],
  ])('names the variable when %o is unusable', (env, message) => {
    expect(() => assistantConfigFromEnv(env)).toThrow(AssistantConfigError);
    expect(() => assistantConfigFromEnv(env)).toThrow(message);
  });
});
