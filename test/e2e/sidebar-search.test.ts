import { rm } from 'node:fs/promises';
import type { Page, Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startTestTalkbook } from '../helpers/talkbook.ts';
import { browserSession } from './support/browser-session.ts';
import { openPage, screenshot } from './support/browser.ts';
import { conversationsList } from './support/page-actions.ts';
import { SEEDED, seedConversations, type SeededData } from './support/seed-conversations.ts';

let seeded: SeededData;

/** The sidebar's entries as shown: their link's address and their title. */
async function entries(page: Page): Promise<Array<{ href: string; title: string }>> {
  return page.locator('nav[aria-label="Conversations"] .conversation-item a').evaluateAll((links) =>
    links.map((link) => ({ href: link.getAttribute('href') ?? '', title: link.querySelector('.conversation-title')?.textContent ?? '' })),
  );
}
const idOf = (href: string) => decodeURIComponent(href.replace(/^\/c\//, '').replace(/#.*$/, ''));

/** Scrolls the list to its end until it holds `count` entries (each scroll brings one more page). */
async function scrollUntil(page: Page, count: number): Promise<void> {
  await expect
    .poll(
      async () => {
        await page.locator('.conversation-list').evaluate((list) => list.scrollTo({ top: list.scrollHeight }));
        return page.locator('nav[aria-label="Conversations"] .conversation-item').count();
      },
      { timeout: 20_000, interval: 250 },
    )
    .toBeGreaterThanOrEqual(count);
}

/** The cell is on screen in the notebook, focused and highlighted. */
async function cellRevealed(page: Page, cellId: string) {
  return page.evaluate((id) => {
    const cell = document.querySelector<HTMLElement>(`[data-cell-id="${id}"]`);
    const scroller = document.querySelector('.notebook-scroller');
    if (!cell || !scroller) return { found: false, visible: false, focused: false, highlighted: false };
    const box = cell.getBoundingClientRect();
    const view = scroller.getBoundingClientRect();
    return {
      found: true,
      visible: box.bottom > view.top && box.top < view.bottom,
      focused: document.activeElement === cell,
      highlighted: cell.classList.contains('cell-target'),
    };
  }, cellId);
}

describe('the sidebar against a real server with 130 stored conversations', { timeout: 180_000 }, () => {
  const session = browserSession({
    start: async () => {
      seeded = await seedConversations();
      return startTestTalkbook({ TALKBOOK_DATA_DIR: seeded.dataDir, TALKBOOK_KERNEL_POOL: '0' });
    },
    stop: async () => {
      if (seeded) await rm(seeded.dataDir, { recursive: true, force: true });
    },
  });

  it('pages as it scrolls, with no duplicate and no gap while conversations are made and changed', async () => {
    const { talkbook, page } = session;
    await page.goto(`${talkbook.url}/?token=${encodeURIComponent(talkbook.token)}`);
    const items = page.locator('nav[aria-label="Conversations"] .conversation-item');
    await expect.poll(() => items.count()).toBe(50);
    expect((await entries(page)).map((entry) => idOf(entry.href))).toEqual(seeded.ids.slice(0, 50));

    // Meanwhile, elsewhere: one made, one shown already and one not yet read are renamed (both move to the top).
    const made = await talkbook.createConversation({ title: 'Made in another tab' });
    for (const [id, title] of [
      [seeded.ids[10]!, 'Renamed, was on the first page'],
      [seeded.ids[120]!, 'Renamed, was on the last page'],
    ] as const) {
      const response = await talkbook.api(`/api/conversations/${id}`, { method: 'PATCH', body: JSON.stringify({ title }) });
      expect(response.status).toBe(200);
    }
    await scrollUntil(page, 100);
    await screenshot(page, 'sidebar-paging');
    await scrollUntil(page, 130);
    await expect.poll(async () => (await page.locator('.list-sentinel').count()) === 0 && !(await page.getByText('Loading more…').count())).toBe(true);

    // Made here: on top at once. The others arrive with the next refresh (the window gets focus).
    await page.getByRole('button', { name: 'New conversation' }).click();
    await page.waitForURL(/\/c\//);
    const mine = idOf(new URL(page.url()).pathname);
    expect(idOf((await entries(page))[0]!.href)).toBe(mine);
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    const expected = (await talkbook.list()).map((item) => item.id);
    expect(expected).toHaveLength(SEEDED.count + 2);
    // Newest first: the one made here, then the renamed two and the one made elsewhere.
    expect(expected[0]).toBe(mine);
    expect(expected.slice(1, 4).sort()).toEqual([made.id, seeded.ids[10]!, seeded.ids[120]!].sort());
    await expect.poll(async () => (await entries(page)).map((entry) => idOf(entry.href))).toEqual(expected);
    const titles = (await entries(page)).map((entry) => entry.title);
    expect(titles.indexOf('Renamed, was on the last page')).toBeLessThan(5);
    expect(new Set(titles).size).toBe(titles.length);
  });

  it('searches as you type: debounced, results replace the list, snippets highlighted as text', async () => {
    const { page } = session;
    const searches: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/api/conversations' && url.searchParams.has('q')) searches.push(url.searchParams.get('q')!);
    });
    const box = page.getByRole('searchbox', { name: 'Search conversations' });
    await box.pressSequentially(SEEDED.inOutput, { delay: 25 });
    const list = page.locator('nav[aria-label="Conversations"] .conversation-item');
    // A prefix typed so far may already find only that conversation: wait for the whole word's search.
    await expect.poll(() => searches.at(-1)).toBe(SEEDED.inOutput);
    await page.waitForLoadState('networkidle');
    await expect.poll(async () => (await entries(page)).map((entry) => idOf(entry.href))).toEqual([seeded.where.inOutput.conversationId]);
    // Typed a letter every 25 ms: searches for the settled word, not one per letter (a loaded
    // machine may pause the typing past the debounce once or twice).
    expect(searches.at(-1)).toBe(SEEDED.inOutput);
    expect(searches.length).toBeLessThanOrEqual(SEEDED.inOutput.length / 3);
    const snippet = list.first().locator('.match-snippet');
    expect(await snippet.innerText()).toContain(`the ${SEEDED.inOutput} fossil table`);
    expect(await snippet.locator('mark').allInnerTexts()).toEqual([SEEDED.inOutput]);
    expect((await entries(page))[0]!.href).toBe(`/c/${seeded.where.inOutput.conversationId}#cell-${seeded.where.inOutput.cellId}`);
    await screenshot(page, 'sidebar-search-output');

    // In code, in an answer: one conversation each.
    for (const key of ['inCode', 'inAnswer'] as const) {
      await box.fill(SEEDED[key]);
      await expect.poll(async () => (await entries(page)).map((entry) => entry.href)).toEqual([`/c/${seeded.where[key].conversationId}#cell-${seeded.where[key].cellId}`]);
      const marks = await list.first().locator('.match-snippet mark').allInnerTexts();
      expect(marks.length).toBeGreaterThan(0);
      expect(new Set(marks)).toEqual(new Set([SEEDED[key]]));
    }

    // Markup in a stored output is shown as text, never run.
    await box.fill(SEEDED.nextToMarkup);
    await expect.poll(() => list.first().locator('.match-snippet').innerText()).toContain('<b>bold</b>'); // markup shown as its text
    expect(await page.locator('nav[aria-label="Conversations"] img, nav[aria-label="Conversations"] b').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await screenshot(page, 'sidebar-search-markup');

    // A word in many: a prefix matches, every title highlighted.
    await box.fill('batc');
    await expect.poll(() => list.count()).toBe(50);
    expect(await list.filter({ hasText: 'Batch 129 row counts' }).locator('.conversation-title mark').allInnerTexts()).toEqual(['Batc']);

    await box.fill('nothingmatchesthis');
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'No conversations match “nothingmatchesthis”.' }).count()).toBe(1);
    await screenshot(page, 'sidebar-search-empty');

    // Escape clears and the whole list is back; so does the clear button.
    await box.press('Escape');
    expect(await box.inputValue()).toBe('');
    await expect.poll(() => list.count()).toBeGreaterThan(50);
    await box.fill(SEEDED.inCode);
    await expect.poll(() => list.count()).toBe(1);
    await page.getByRole('button', { name: 'Clear search' }).click();
    expect(await box.inputValue()).toBe('');
    await expect.poll(() => list.count()).toBeGreaterThan(50);
  });

  it('cancels a search that a newer one replaced', async () => {
    const { page } = session;
    let stale: Request | undefined;
    // The answer to the first search is held back (the real server's answer, late).
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = (url: URL) => url.pathname === '/api/conversations' && url.searchParams.get('q') === SEEDED.inCode;
    await page.route(first, async (route) => {
      stale = route.request();
      await held;
      await route.continue().catch(() => undefined);
    });
    const box = page.getByRole('searchbox', { name: 'Search conversations' });
    await box.fill(SEEDED.inCode);
    await page.waitForTimeout(400);
    await box.fill(SEEDED.inAnswer);
    await expect.poll(async () => (await entries(page)).map((entry) => idOf(entry.href))).toEqual([seeded.where.inAnswer.conversationId]);
    release();
    // The page gave up on it (AbortController), and its late answer changed nothing.
    await expect.poll(() => stale?.failure()?.errorText).toBe('net::ERR_ABORTED');
    expect((await entries(page)).map((entry) => idOf(entry.href))).toEqual([seeded.where.inAnswer.conversationId]);
    await page.unroute(first);
    await box.fill('');
  });

  it('opens a result at the matching cell, and again after a reload', async () => {
    const { page } = session;
    const { conversationId, cellId } = seeded.where.inOutput;
    const box = page.getByRole('searchbox', { name: 'Search conversations' });
    await box.fill(SEEDED.inOutput);
    await page.locator(`nav[aria-label="Conversations"] a[href="/c/${conversationId}#cell-${cellId}"]`).click();
    await page.waitForURL(`**/c/${conversationId}#cell-${cellId}`);
    await expect.poll(() => cellRevealed(page, cellId)).toEqual({ found: true, visible: true, focused: true, highlighted: true });
    // The conversation is long: its last cell is out of sight (the page did not stay at the bottom).
    const last = await page.locator('[data-cell-id]').last().getAttribute('data-cell-id');
    expect((await cellRevealed(page, last!)).visible).toBe(false);
    await screenshot(page, 'sidebar-open-at-cell');
    await expect.poll(async () => (await cellRevealed(page, cellId)).highlighted, { timeout: 5_000 }).toBe(false);

    await page.reload();
    await expect.poll(() => cellRevealed(page, cellId)).toEqual({ found: true, visible: true, focused: true, highlighted: true });
  });

  it('in the drawer on a phone: Escape clears the search first, then closes the drawer', async () => {
    const { talkbook, browser } = session;
    const { context, page } = await openPage(browser, { width: 390, height: 844, touch: true });
    try {
      await page.goto(`${talkbook.url}/?token=${encodeURIComponent(talkbook.token)}`);
      await page.goto(`${talkbook.url}/c/${seeded.ids[0]}`);
      const nav = await conversationsList(page);
      const box = nav.getByRole('searchbox', { name: 'Search conversations' });
      await box.fill(SEEDED.inAnswer);
      await expect.poll(() => nav.locator('.conversation-item').count()).toBe(1);
      await screenshot(page, 'sidebar-search-phone');
      await box.press('Escape');
      expect(await box.inputValue()).toBe('');
      expect(await page.getByRole('dialog', { name: 'Conversations' }).isVisible()).toBe(true);
      await box.press('Escape');
      await page.getByRole('dialog', { name: 'Conversations' }).waitFor({ state: 'hidden' });
    } finally {
      await context.close();
    }
  });
});
