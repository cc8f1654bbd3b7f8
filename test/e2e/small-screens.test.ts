import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openPage, screenshot, waitForFrames, type PageOptions } from './support/browser.ts';
import { everyOutputKind } from './support/gallery.ts';
import { startMockTalkbook, type MockTalkbook } from './support/mock-talkbook.ts';
import { headerAction, sidewaysOverflow } from './support/page-actions.ts';
import { smallTargets, swipe } from './support/touch.ts';

const SCREENS: { name: string; page: PageOptions; phone: boolean }[] = [
  { name: 'phone', page: { width: 390, height: 844, touch: true }, phone: true },
  { name: 'tablet', page: { width: 768, height: 1024, touch: true }, phone: false },
];

/**
 * The phone (390 × 844) and tablet (768 × 1024, portrait) layouts against the scripted
 * stand-in server: nothing scrolls sideways, the conversation takes the width, the drawer and
 * the sheets open and close (button, Escape, swipe, backdrop), every target is 44 px.
 * Real kernels on a phone: small-screens-kernel.test.ts.
 */
describe('phone and tablet layouts (mock server)', { timeout: 120_000 }, () => {
  let browser: Browser;
  let server: MockTalkbook;
  let galleryId: string;
  let otherId: string;

  beforeAll(async () => {
    server = await startMockTalkbook({ model: { configured: true, name: 'fake-model' } });
    galleryId = server.seed('Output gallery', everyOutputKind());
    otherId = server.seed('Second conversation', []);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(options: PageOptions, path = `/c/${galleryId}`): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
    const { page, context, errors } = await openPage(browser, options);
    await page.goto(`${server.url}${path}?token=${server.token}`);
    return { page, errors, close: () => context.close() };
  }

  async function gallery(page: Page): Promise<void> {
    await page.locator('.chart-canvas canvas').first().waitFor();
    await page.locator('.table-output tbody td').first().waitFor();
    await page.locator('.output-latex .katex').waitFor();
    await waitForFrames(page);
  }

  for (const screen of SCREENS) {
    describe(screen.name, () => {
      for (const colorScheme of ['light', 'dark'] as const) {
        it(`never scrolls sideways; the conversation takes the width; charts and tables fit (${colorScheme})`, async () => {
          const { page, errors, close } = await open({ ...screen.page, colorScheme }, '/');
          await page.getByRole('button', { name: 'Start a conversation' }).waitFor();
          expect(await sidewaysOverflow(page)).toEqual({ page: 0, conversation: 0 });
          await screenshot(page, `small-${screen.name}-home-${colorScheme}`);

          await page.goto(`${server.url}/c/${galleryId}`);
          await gallery(page);
          expect(await sidewaysOverflow(page)).toEqual({ page: 0, conversation: 0 });
          const widths = await page.evaluate(() => {
            const feed = document.querySelector('[role="feed"]')!.getBoundingClientRect();
            const fits = [...document.querySelectorAll('.chart-output, .chart-canvas canvas, .table-output, .code-source, .output-traceback, iframe.output-frame')].map((element) => {
              const box = element.getBoundingClientRect();
              const cell = element.closest('.cell-main')!.getBoundingClientRect();
              return { what: element.className || element.tagName, fits: box.left >= cell.left - 0.5 && box.right <= cell.right + 0.5 };
            });
            return { feed: feed.width / window.innerWidth, fits };
          });
          expect(widths.feed).toBeGreaterThanOrEqual(0.9);
          expect(widths.fits.length).toBeGreaterThan(6);
          expect(widths.fits.filter((entry) => !entry.fits)).toEqual([]);
          // Long lines scroll inside their block, which Tab can reach.
          const traceback = page.locator('.output-traceback').first();
          if (screen.phone) expect(await traceback.evaluate((element) => element.scrollWidth > element.clientWidth && element.tabIndex === 0)).toBe(true);

          const scroller = page.locator('.notebook-scroller');
          await scroller.hover();
          await page.mouse.wheel(0, -100_000);
          await screenshot(page, `small-${screen.name}-conversation-top-${colorScheme}`);
          await scroller.evaluate((element) => (element.scrollTop = element.scrollHeight * 0.5));
          await screenshot(page, `small-${screen.name}-conversation-middle-${colorScheme}`);
          await scroller.evaluate((element) => (element.scrollTop = element.scrollHeight));
          await screenshot(page, `small-${screen.name}-conversation-bottom-${colorScheme}`);
          expect(errors).toEqual([]);
          await close();
        });
      }

      it('the drawer opens from the menu button, keeps focus inside, and closes by Escape, swipe and the backdrop', async () => {
        const { page, close } = await open(screen.page);
        await page.getByRole('heading', { name: 'Output gallery' }).waitFor();
        // Closed, the sidebar is not on the page at all.
        expect(await page.getByRole('navigation', { name: 'Conversations' }).count()).toBe(0);
        const menuButton = page.getByRole('button', { name: 'Conversations', exact: true });
        const drawer = page.getByRole('dialog', { name: 'Conversations' });

        await menuButton.click();
        await drawer.waitFor();
        await screenshot(page, `small-${screen.name}-drawer`);
        for (let i = 0; i < 12; i++) {
          await page.keyboard.press(i % 3 === 2 ? 'Shift+Tab' : 'Tab');
          expect(await page.evaluate(() => Boolean(document.activeElement?.closest('dialog.drawer')))).toBe(true);
        }
        await page.keyboard.press('Escape');
        await drawer.waitFor({ state: 'detached' });
        expect(await menuButton.evaluate((element) => element === document.activeElement)).toBe(true);

        await menuButton.tap();
        await drawer.waitFor();
        await page.waitForTimeout(300);
        const box = (await drawer.boundingBox())!;
        await swipe(page, { x: box.x + box.width - 40, y: 40 }, { x: box.x + 20, y: 48 });
        await drawer.waitFor({ state: 'detached' });

        await menuButton.tap();
        await drawer.waitFor();
        await page.mouse.click(screen.page.width! - 12, screen.page.height! / 2);
        await drawer.waitFor({ state: 'detached' });

        // Opening a conversation from the drawer closes it.
        await menuButton.tap();
        await drawer.getByRole('link', { name: /Second conversation/ }).tap();
        await page.getByRole('heading', { name: 'Second conversation' }).waitFor();
        await drawer.waitFor({ state: 'detached' });
        await close();
      });

      it('the header keeps the title and kernel state; the actions stay reachable', async () => {
        const { page, close } = await open(screen.page);
        const header = page.locator('.conversation-header');
        await header.getByRole('heading', { name: 'Output gallery' }).waitFor();
        expect(await header.locator('.kernel-state').isVisible()).toBe(true);
        expect(await page.evaluate(() => document.querySelector('.conversation-header')!.scrollWidth <= window.innerWidth)).toBe(true);
        if (screen.phone) {
          await page.getByRole('button', { name: 'Conversation actions' }).tap();
          const menu = page.getByRole('menu', { name: 'Conversation actions' });
          for (const name of ['Run all', 'Interrupt', 'Restart kernel', 'Files', 'Export notebook', 'Keyboard shortcuts']) {
            expect(await menu.getByRole('menuitem', { name, exact: true }).isVisible()).toBe(true);
          }
          await screenshot(page, 'small-phone-header-menu');
          await page.keyboard.press('Escape');
          await menu.waitFor({ state: 'hidden' });
        } else {
          for (const name of ['Run all', 'Interrupt', 'Restart kernel', 'Files']) expect(await header.getByRole('button', { name, exact: true }).isVisible()).toBe(true);
        }
        await close();
      });

      it('every target is at least 44 px; the cell toolbar is reachable by tap', async () => {
        const { page, close } = await open(screen.page);
        await gallery(page);
        expect(await smallTargets(page)).toEqual([]);
        const cell = page.locator('article.code-cell').nth(1);
        await cell.getByRole('button', { name: 'Cell actions' }).tap();
        const menu = page.getByRole('menu', { name: 'Cell actions' });
        await menu.getByRole('menuitem', { name: 'Edit and run again' }).waitFor();
        expect(await smallTargets(page)).toEqual([]);
        await screenshot(page, `small-${screen.name}-cell-menu`);
        await menu.getByRole('menuitem', { name: 'Collapse cell' }).tap();
        await cell.locator('.collapsed-summary').waitFor();

        await page.getByRole('button', { name: screen.phone ? 'Conversation actions' : 'Conversations' }).tap();
        expect(await smallTargets(page)).toEqual([]);
        await close();
      });

      it('the prompt spans the width and grows with its text up to a limit', async () => {
        const { page, close } = await open(screen.page, `/c/${otherId}`);
        const box = page.getByRole('textbox', { name: 'Message' });
        const field = page.locator('.prompt-field');
        expect(((await field.boundingBox())!.width) / screen.page.width!).toBeGreaterThanOrEqual(0.9);
        const oneLine = (await box.boundingBox())!.height;
        await box.fill('one\ntwo\nthree\nfour');
        await expect.poll(async () => (await box.boundingBox())!.height).toBeGreaterThan(oneLine * 2);
        await box.fill(Array.from({ length: 80 }, (_, i) => `line ${i}`).join('\n'));
        const limit = screen.phone ? screen.page.height! * 0.4 : 320;
        await expect.poll(async () => (await box.boundingBox())!.height).toBeLessThanOrEqual(limit + 1);
        expect(await box.evaluate((element) => element.scrollHeight > element.clientHeight)).toBe(true);
        expect(await sidewaysOverflow(page)).toEqual({ page: 0, conversation: 0 });
        await screenshot(page, `small-${screen.name}-prompt`);
        await close();
      });
    });
  }

  it('on a phone, the files panel is a sheet from the bottom edge; swiping it down closes it', async () => {
    const { page, close } = await open({ width: 390, height: 844, touch: true, colorScheme: 'dark' });
    await page.getByRole('heading', { name: 'Output gallery' }).waitFor();
    await headerAction(page, 'Files');
    const sheet = page.getByRole('dialog', { name: 'Files' });
    await sheet.getByText('report.xlsx').waitFor();
    await page.waitForTimeout(300);
    const box = (await sheet.boundingBox())!;
    expect(Math.round(box.y + box.height)).toBe(844);
    expect(Math.round(box.width)).toBe(390);
    await screenshot(page, 'small-phone-files-sheet-dark');
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached' });

    await headerAction(page, 'Files');
    await sheet.getByText('report.xlsx').waitFor();
    await page.waitForTimeout(300);
    const head = (await sheet.locator('.panel-head').boundingBox())!;
    await swipe(page, { x: 120, y: head.y + 10 }, { x: 120, y: head.y + 200 });
    await sheet.waitFor({ state: 'detached' });
    await close();
  });

  it('honours prefers-reduced-motion: nothing slides or pulses', async () => {
    const { page, close } = await open({ width: 390, height: 844, touch: true, reducedMotion: 'reduce' });
    await page.getByRole('heading', { name: 'Output gallery' }).waitFor();
    await page.getByRole('button', { name: 'Conversations', exact: true }).tap();
    const drawer = page.locator('dialog.drawer');
    await drawer.waitFor();
    expect(await drawer.evaluate((element) => getComputedStyle(element).animationName)).toBe('none');
    const typing = await page.evaluate(() => {
      const probe = document.createElement('span');
      probe.className = 'kernel-dot kernel-busy';
      document.body.append(probe);
      const style = getComputedStyle(probe);
      const result = { duration: style.animationDuration, count: style.animationIterationCount };
      probe.remove();
      return result;
    });
    expect(parseFloat(typing.duration)).toBeLessThan(0.01);
    expect(typing.count).toBe('1');
    await close();
  });
});
