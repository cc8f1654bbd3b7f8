import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai-server.ts';
import { startTestTalkbook, type TestTalkbook } from './talkbook.ts';

export interface WithFakeModel {
  fake: FakeOpenAI;
  tb: TestTalkbook;
}

/**
 * A Talkbook server talking to the fake OpenAI-compatible model for the whole file (`started`
 * receives both in beforeAll), the fake's recorded requests and script emptied before each test.
 */
export function withFakeModel(started: (servers: WithFakeModel) => void, env: Record<string, string> = {}): void {
  let servers: Partial<WithFakeModel> = {};
  beforeAll(async () => {
    const fake = await startFakeOpenAI();
    servers.fake = fake;
    const tb = await startTestTalkbook({ OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'test', TALKBOOK_MODEL: 'gpt-test', ...env });
    servers.tb = tb;
    started({ fake, tb });
  });
  afterAll(async () => {
    await servers.tb?.close();
    await servers.fake?.close();
    servers = {};
  });
  beforeEach(() => {
    servers.fake!.requests.length = 0;
    servers.fake!.script([]);
  });
}
