import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserSession } from './support/browser-session.ts';
import { openPage, screenshot, waitForFrames } from './support/browser.ts';
import { sidewaysOverflow } from './support/page-actions.ts';

const CODE = [
  '# A comment long enough to be wider than a phone: it scrolls inside its cell and never moves the page sideways at all.',
  'import numpy as np, pandas as pd, matplotlib.pyplot as plt',
  't = np.linspace(0, 10, 200)',
  "plt.plot(t, np.sin(t), label='sin'); plt.plot(t, np.cos(t), label='cos')",
  "plt.title('Waves'); plt.legend(); plt.show()",
  "pd.DataFrame({'city': ['Lisbon', 'Porto', 'Braga'], 'people': [545923, 231800, 193333], 'area_km2': [100.05, 41.42, 183.4], 'coastal': [True, True, False]})",
].join('\n');

/** Where each output sits against its cell, and how much of the width the conversation takes. */
function measure(page: Page) {
  return page.evaluate(() => {
    const cell = document.querySelector('article.code-cell .cell-main')!.getBoundingClientRect();
    const inside = (selector: string) => {
      const box = document.querySelector(selector)!.getBoundingClientRect();
      return box.width > 100 && box.left >= cell.left - 0.5 && box.right <= cell.right + 0.5;
    };
    const source = document.querySelector<HTMLElement>('.code-source')!;
    return {
      feed: document.querySelector('[role="feed"]')!.getBoundingClientRect().width / window.innerWidth,
      chartFits: inside('.chart-output') && inside('.chart-canvas canvas'),
      tableFits: inside('.table-output') && inside('.table-scroll'),
      codeScrollsInside: source.scrollWidth > source.clientWidth,
    };
  });
}

/**
 * The real server and kernel on a phone (390 × 844) and a tablet (768 × 1024): a cell typed and
 * run by touch draws its chart and table within the column, and nothing scrolls sideways.
 */
describe('a cell on a phone and a tablet (real server, real kernel)', { timeout: 240_000 }, () => {
  const session = browserSession({ page: { width: 390, height: 844, touch: true, colorScheme: 'light' } });

  for (const [name, size, colorScheme] of [['phone', { width: 390, height: 844 }, 'light'], ['tablet', { width: 768, height: 1024 }, 'dark']] as const) {
    it(`runs a cell whose chart and table fit the column (${name}, ${colorScheme})`, async () => {
      const { talkbook, browser } = session;
      const { page, context } = name === 'phone' ? { page: session.page, context: undefined } : await openPage(browser, { ...size, touch: true, colorScheme });
      await page.goto(`${talkbook.url}/?token=${encodeURIComponent(talkbook.token)}`);
      const { id } = await talkbook.createConversation({ title: `Waves on a ${name}` });
      await page.goto(`${talkbook.url}/c/${id}`);
      await page.getByText('Code', { exact: true }).tap();
      await page.getByRole('textbox', { name: 'Message' }).fill(CODE);
      await page.getByRole('button', { name: 'Run', exact: true }).tap();

      await page.locator('.chart-canvas canvas').first().waitFor({ timeout: 90_000 });
      await expect.poll(() => page.locator('.table-output tbody td').first().textContent(), { timeout: 60_000 }).toBe('Lisbon');
      await expect.poll(() => page.locator('.cell-status').first().textContent(), { timeout: 60_000 }).toContain('Done');
      await waitForFrames(page);
      const layout = await measure(page);
      expect(layout.feed).toBeGreaterThanOrEqual(0.9);
      expect(layout).toMatchObject({ chartFits: true, tableFits: true, codeScrollsInside: true });
      expect(await sidewaysOverflow(page)).toEqual({ page: 0, conversation: 0 });
      await page.locator('.chart-output').scrollIntoViewIfNeeded();
      await screenshot(page, `kernel-${name}-${colorScheme}-chart`);
      await page.locator('.notebook-scroller').evaluate((element) => (element.scrollTop = 0));
      await screenshot(page, `kernel-${name}-${colorScheme}-top`);
      await context?.close();
    });
  }
});
