import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, openPage, screenshot, waitForFrames } from './support/browser.ts';
import { galleryCells } from './support/gallery.ts';
import { startMockTalkbook, type MockTalkbook } from './support/mock-talkbook.ts';

/**
 * The client against a scripted stand-in server (real protocol, real CSP, real built client, no
 * kernel): every output kind renders, in light and dark, from 800 px wide up.
 */
describe('rendering (mock server)', () => {
  let browser: Browser;
  let server: MockTalkbook;
  let galleryId: string;

  beforeAll(async () => {
    server = await startMockTalkbook({ model: { configured: true, name: 'fake-model' } });
    galleryId = server.seed('Output gallery', galleryCells());
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const [colorScheme, width] of [['light', 1280], ['dark', 1280], ['light', 800]] as const) {
    it(`renders every output kind (${colorScheme}, ${width}px)`, async () => {
      const { page, errors, context } = await openPage(browser, { colorScheme, width });
      await page.goto(`${server.url}/c/${galleryId}?token=${server.token}`);
      await expect.poll(() => new URL(page.url()).search).toBe('');
      await page.getByRole('heading', { name: 'Output gallery' }).waitFor();

      // The image, the DataFrame frame, the traceback, the JSON tree, KaTeX, Markdown.
      await page.locator('img.output-image').waitFor();
      await page.locator('.output-traceback .ansi-red-fg').first().waitFor();
      await page.locator('.json-tree').waitFor();
      await page.locator('.output-latex .katex').waitFor();
      await page.locator('.assistant-cell table').waitFor();
      await page.locator('.assistant-cell .katex').first().waitFor();
      await page.locator('.output-broken', { hasText: 'text/html data is not text' }).waitFor();
      await page.locator('.stream-stdout', { hasText: 'still here' }).waitFor();
      await waitForFrames(page);
      const frame = page.frameLocator('iframe[title^="HTML output"]');
      await expect.poll(() => frame.locator('table.dataframe td').first().textContent()).toBe('Lisbon');

      const frames = page.locator('iframe.output-frame');
      for (let i = 0; i < (await frames.count()); i++) {
        expect(await frames.nth(i).getAttribute('sandbox')).toBe('allow-scripts');
      }
      await expect.poll(() => page.locator('.status-running .elapsed').textContent()).toMatch(/\d s$/);

      await page.locator('.notebook-scroller').evaluate((element) => (element.scrollTop = 0));
      await screenshot(page, `ui-gallery-top-${colorScheme}-${width}`);
      await page.locator('.notebook-scroller').evaluate((element) => (element.scrollTop = element.scrollHeight / 2 - 300));
      await screenshot(page, `ui-gallery-middle-${colorScheme}-${width}`);
      await page.locator('.notebook-scroller').evaluate((element) => (element.scrollTop = element.scrollHeight));
      await screenshot(page, `ui-gallery-bottom-${colorScheme}-${width}`);
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});
