import { describe, expect, it } from 'vitest';
import { startTestTalkbook } from '../helpers/talkbook.ts';
import { browserSession } from './support/browser-session.ts';
import { screenshot } from './support/browser.ts';

describe('many conversations in a browser', { timeout: 120_000 }, () => {
  const session = browserSession({ start: () => startTestTalkbook({ TALKBOOK_KERNEL_POOL: '0' }) });

  it('filters the list by title, keeping the open conversation', async () => {
    const { talkbook, page } = session;
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
