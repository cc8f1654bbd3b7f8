import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import { launchChromium, openPage, screenshot } from './support/browser.ts';

/**
 * Kernel checkpoints in a browser (issue 19): Undo and Branch from a cell's menu, and a kernel
 * that hibernated after a few idle seconds waking with its variables. Real server, real kernels,
 * Debian's Chromium.
 */
describe('kernel checkpoints in a browser (real server, real kernels)', { timeout: 240_000 }, () => {
  let talkbook: TestTalkbook;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let conversationId = '';

  beforeAll(async () => {
    talkbook = await startTestTalkbook({ TALKBOOK_KERNEL_IDLE_MINUTES: '0.1', TALKBOOK_KERNEL_POOL: '0' });
    browser = await launchChromium();
    ({ context, page } = await openPage(browser, { width: 1200, height: 900 }));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await talkbook?.close();
  });

  const box = () => page.getByRole('textbox', { name: 'Message' });
  const runCode = async (code: string) => {
    await box().fill(code);
    await box().press('Control+Enter');
  };
  const cellWith = (text: string) => page.locator('.code-cell', { hasText: text });
  const waitDone = async (text: string) => {
    // A run waits behind a turn under way (a branch's restore) before its cell appears.
    await cellWith(text).first().waitFor({ timeout: 120_000 });
    await expect.poll(() => cellWith(text).locator('.cell-status').textContent(), { timeout: 120_000 }).toContain('Done');
  };
  const output = async (code: string) => {
    await runCode(code);
    await waitDone(code.split('\n')[0]!);
    return (await cellWith(code.split('\n')[0]!).last().locator('.output-area').textContent()) ?? '';
  };
  const menu = async (cellText: string, item: string) => {
    await cellWith(cellText).getByRole('button', { name: 'Cell actions' }).click();
    await page.getByRole('menuitem', { name: item }).click();
  };

  it('shows each cell\'s checkpoint, and undoes the last cell from its menu: the cell greys, the old value is back', async () => {
    await page.goto(`${talkbook.url}/?token=${encodeURIComponent(talkbook.token)}`);
    conversationId = (await talkbook.createConversation({ title: 'Checkpoints' })).id;
    await page.goto(`${talkbook.url}/c/${conversationId}`);
    await box().waitFor();

    await runCode("rows = [1, 2, 3, None]\nopen('rows.txt', 'w').write(str(rows))");
    await waitDone('rows = [1, 2, 3, None]');
    await cellWith('rows = [1, 2, 3, None]').locator('.cell-checkpoint', { hasText: 'created' }).waitFor({ timeout: 30_000 });
    await runCode("rows = [r for r in rows if r is not None and r > 1]\nopen('rows.txt', 'w').write(str(rows))");
    await waitDone('rows = [r for r');
    await cellWith('rows = [r for r').locator('.cell-checkpoint', { hasText: 'changed' }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'checkpoints-01-footers');

    await menu('rows = [r for r', 'Undo this cell');
    await page.locator('.code-cell.undone', { hasText: 'rows = [r for r' }).waitFor({ timeout: 60_000 });
    await page.locator('.notice-cell', { hasText: 'Undid' }).waitFor();
    expect(await output("print(rows, open('rows.txt').read())")).toContain('[1, 2, 3, None] [1, 2, 3, None]');
    await screenshot(page, 'checkpoints-02-undone');
  });

  it('branches from a cell\'s menu: the new conversation has the cells up to it, its variables, and a link back', async () => {
    await runCode('later = "only in the original"');
    await waitDone('later = ');
    await menu('rows = [1, 2, 3, None]', 'Branch from here');
    await expect.poll(() => page.url(), { timeout: 30_000 }).not.toContain(conversationId);
    await page.locator('.notice-cell', { hasText: 'Branched from “Checkpoints”' }).waitFor({ timeout: 30_000 });
    // The branch's first turn restores the checkpoint; then its variables are there.
    await expect.poll(() => page.locator('.code-cell').count()).toBe(1);
    expect(await output("print(rows, 'later' in globals())")).toContain('[1, 2, 3, None] False');
    await screenshot(page, 'checkpoints-03-branch');
    await page.getByRole('link', { name: 'Open “Checkpoints”' }).click();
    await expect.poll(() => page.url()).toContain(conversationId);
    await cellWith('later = ').waitFor();
  });

  it('hibernates an idle kernel and wakes it with its variables on the next cell', async () => {
    const hibernated = page.locator('.notice-cell', { hasText: 'hibernated' });
    await runCode('import numpy as np\nkept = np.arange(5) * 3');
    await waitDone('kept = np.arange');
    const before = await hibernated.count();
    await expect.poll(() => hibernated.count(), { timeout: 60_000 }).toBe(before + 1);
    await screenshot(page, 'checkpoints-04-hibernated');
    expect(await output('print(kept.tolist(), later)')).toContain('[0, 3, 6, 9, 12] only in the original');
    await screenshot(page, 'checkpoints-05-woken');
  });
});
