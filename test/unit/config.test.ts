import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';

describe('loadConfig', () => {
  it('has a default for everything', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.assistant).toEqual({ apiKey: undefined, baseUrl: undefined, model: 'gpt-5.1', maxSteps: 10, toolMode: 'tools', vision: false, maxRetries: 2 });
    expect(config.jupyter).toEqual({ embedded: true, python: '/usr/bin/python3' });
    // An unanswered input() prompt stops its cell after five minutes (issue 20).
    expect(config.stdinTimeoutMs).toBe(300_000);
    expect(loadConfig({ TALKBOOK_STDIN_TIMEOUT_S: '20' }).stdinTimeoutMs).toBe(20_000);
    expect(() => loadConfig({ TALKBOOK_STDIN_TIMEOUT_S: '0' })).toThrow('TALKBOOK_STDIN_TIMEOUT_S must be a whole number of seconds above 0, like 300');
  });

  it('reads the assistant\'s variables', () => {
    const config = loadConfig({
      OPENAI_API_KEY: ' sk-1 ',
      OPENAI_BASE_URL: 'http://localhost:11434/v1',
      TALKBOOK_MODEL: 'qwen2.5-coder',
      TALKBOOK_MAX_STEPS: '4',
      TALKBOOK_TOOL_MODE: 'fenced',
      TALKBOOK_VISION: '1',
    });
    expect(config.assistant).toMatchObject({ apiKey: 'sk-1', baseUrl: 'http://localhost:11434/v1', model: 'qwen2.5-coder', maxSteps: 4, toolMode: 'fenced', vision: true });
  });

  it.each([
    [{ OPENAI_BASE_URL: 'localhost:11434' }, 'OPENAI_BASE_URL must be an http(s) URL of an OpenAI-compatible endpoint, like http://127.0.0.1:11434/v1, not "localhost:11434"'],
    [{ OPENAI_BASE_URL: 'ftp://models.example/v1' }, 'OPENAI_BASE_URL must be an http(s) URL'],
    [{ TALKBOOK_MAX_STEPS: 'ten' }, 'TALKBOOK_MAX_STEPS must be a whole number from 1 to 100, like 10, not "ten"'],
    [{ TALKBOOK_MAX_STEPS: '500' }, 'TALKBOOK_MAX_STEPS must be a whole number from 1 to 100'],
    [{ TALKBOOK_TOOL_MODE: 'json' }, 'TALKBOOK_TOOL_MODE must be "tools" or "fenced", not "json"'],
    [{ TALKBOOK_VISION: 'maybe' }, 'TALKBOOK_VISION must be 1 or 0, not "maybe"'],
    [{ PORT: '99999' }, 'PORT must be a port number from 0 to 65535'],
  ])('names the variable, what it should be and what it was for %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', TALKBOOK_LOG: 'loud' })).toThrow(/PORT must be .*; TALKBOOK_LOG must be/);
  });
});
