import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import { launchChromium, openPage, screenshot } from './support/browser.ts';

describe('many conversations in a browser', { timeout: 120_000 }, () => {
  let talkbook: TestTalkbook;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    talkbook = await startTestTalkbook({ TALKBOOK_KERNEL_POOL: '0' });
    browser = await launchChromium();
    ({ context, page } = await openPage(browser, { width: 1280, height: 860 }));
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await talkbook?.close();
  });

  it('filters the list by title, keeping the open conversation', async () => {
    const titles = ['Revenue by region', 'Churn model', 'Café footfall', 'Revenue forecast', 'Inventory', 'A/B test', 'Survey cleanup', 'Weather joins', 'Ad spend'];
    const ids: string[] = [];
    for (const title of titles) ids.push((await talkbook.createConversation({ title })).id);
    await page.goto(`${talkbook.url}/?token=${encodeURIComponent(talkbook.token)}`);
    await page.goto(`${talkbook.url}/c/${ids[titles.indexOf('Inventory')]}`);
    const list = page.getByRole('navigation', { name: 'Conversations' }).locator('.conversation-list li');
    await page.getByRole('searchbox', { name: 'Filter conversations' }).waitFor();
    expect(await list.count()).toBe(titles.length);

    await page.getByRole('searchbox', { name: 'Filter conversations' }).fill('revenue');
    const shown = async () => (await list.allInnerTexts()).map((text) => text.trim()).sort();
    expect(await shown()).toEqual(['Inventory', 'Revenue by region', 'Revenue forecast']);
    await page.getByRole('searchbox', { name: 'Filter conversations' }).fill('cafe');
    expect(await shown()).toEqual(['Café footfall', 'Inventory']);
    await screenshot(page, 'sidebar-filter');
    await page.getByRole('searchbox', { name: 'Filter conversations' }).fill('');
    expect(await list.count()).toBe(titles.length);
  });
});
