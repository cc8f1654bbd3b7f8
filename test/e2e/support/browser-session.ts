import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestTalkbook, type TestTalkbook } from '../../helpers/talkbook.ts';
import { launchChromium, openPage, type PageOptions } from './browser.ts';

export interface BrowserSession {
  talkbook: TestTalkbook;
  browser: Browser;
  context: BrowserContext;
  page: Page;
}

/**
 * For one describe block: a real Talkbook (from `start`, by default a plain `startTestTalkbook()`),
 * Debian's Chromium and one page, started before the tests and closed after them (with `stop`
 * for anything else `start` brought up). The fields are there once `beforeAll` ran.
 */
export function browserSession(
  options: { start?: () => Promise<TestTalkbook>; stop?: () => Promise<void>; page?: PageOptions } = {},
): BrowserSession {
  const session = {} as BrowserSession;
  beforeAll(async () => {
    session.talkbook = await (options.start ?? (() => startTestTalkbook()))();
    session.browser = await launchChromium();
    ({ context: session.context, page: session.page } = await openPage(session.browser, { width: 1280, height: 860, ...options.page }));
  });
  afterAll(async () => {
    await session.context?.close();
    await session.browser?.close();
    await session.talkbook?.close();
    await options.stop?.();
  });
  return session;
}
