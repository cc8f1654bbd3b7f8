import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import { launchChromium, openPage, screenshot } from './support/browser.ts';

/**
 * "Restore state" in a browser: the real server and kernels, Debian's Chromium. State is lost by
 * a server restart; the person restores it and uses a restored variable.
 */
describe('Restore state in a browser (real server, real kernels)', { timeout: 180_000 }, () => {
  let talkbook: TestTalkbook;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let conversationId = '';

  beforeAll(async () => {
    talkbook = await startTestTalkbook();
    browser = await launchChromium();
    ({ context, page, errors } = await openPage(browser, { width: 1200, height: 860 }));
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
    await expect.poll(() => cellWith(text).locator('.cell-status').textContent(), { timeout: 60_000 }).toContain('Done');
  };

  it('builds state in a conversation and marks a cell not to replay', async () => {
    await page.goto(`${talkbook.url}/?token=${encodeURIComponent(talkbook.token)}`);
    conversationId = (await talkbook.createConversation({ title: 'Restore me' })).id;
    await page.goto(`${talkbook.url}/c/${conversationId}`);
    await box().waitFor();

    await runCode('import pandas as pd\ndf = pd.DataFrame({"n": [1, 2, 3]})\ntotal = int(df.n.sum())\nprint(total)');
    await waitDone('total = int(df.n.sum())');
    await runCode('import time\ntime.sleep(1.5)\nslow = True');
    await waitDone('time.sleep(1.5)');
    await runCode('print("a side effect")');
    await waitDone('a side effect');

    const toggle = cellWith('a side effect').getByRole('button', { name: "Don't replay when restoring state" });
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('true');
    await cellWith('a side effect').getByText('Skipped on restore').waitFor();
    // No state is lost yet: no restore offered.
    expect(await page.getByRole('button', { name: 'Restore state' }).count()).toBe(0);
  });

  it('offers "Restore state" after a server restart, shows k of n, then the restored variable works', async () => {
    await talkbook.restart();
    await page.goto(`${talkbook.url}/c/${conversationId}`);
    const restoreButton = page.getByRole('button', { name: 'Restore state' });
    await restoreButton.waitFor();
    await page.getByText('The kernel doesn’t hold what earlier cells defined.').waitFor();
    // The flag survived the restart with the cell.
    await cellWith('a side effect').getByText('Skipped on restore').waitFor();
    await screenshot(page, 'restore-01-state-lost');

    await restoreButton.click();
    const progress = page.locator('.restore-banner.restoring');
    await progress.waitFor();
    await expect.poll(() => progress.textContent(), { timeout: 60_000 }).toMatch(/Restoring state · 1 of 2/); // the first replays a pandas import in a fresh kernel
    await page.locator('.code-cell.replay-replaying', { hasText: 'time.sleep(1.5)' }).waitFor();
    expect(await progress.locator('progress').getAttribute('max')).toBe('2');
    await screenshot(page, 'restore-02-progress');

    await page.locator('.notice-cell', { hasText: 'Restored the kernel state: replayed 2 code cells' }).first().waitFor({ timeout: 60_000 });
    await page.locator('.restore-banner').waitFor({ state: 'detached' });
    await screenshot(page, 'restore-03-restored');

    await runCode('print(total * 2, len(df), slow)');
    const used = cellWith('print(total * 2, len(df), slow)');
    await used.locator('.stream-stdout', { hasText: '12 3 True' }).waitFor({ timeout: 60_000 });
    // Replay is silent: the side-effect cell still has its one output, and was not run again.
    expect(await cellWith('a side effect').locator('.stream-stdout').count()).toBe(1);
    await screenshot(page, 'restore-04-used');
  });

  it('after a kernel restart, says where a restore stopped and why', async () => {
    await runCode("# talkbook: no-replay\nopen('gone.txt', 'w').write('1')");
    await waitDone("open('gone.txt', 'w')");
    await cellWith("open('gone.txt', 'w')").getByText('Skipped on restore').waitFor();
    await runCode("contents = open('gone.txt').read()");
    await waitDone('contents = open');
    await runCode("# talkbook: no-replay\nimport os\nos.remove('gone.txt')");
    await waitDone('os.remove');

    await page.getByRole('button', { name: 'Restart kernel' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Restart' }).click();
    await page.getByRole('button', { name: 'Restore state' }).click();
    const banner = page.locator('.restore-banner.restore-failed');
    await banner.waitFor({ timeout: 60_000 });
    await expect.poll(() => banner.textContent()).toMatch(/Restore stopped at “contents = open\('gone.txt'\).read\(\)”: FileNotFoundError: .*gone\.txt.*What the 3 cells before it defined is back\./);
    await banner.getByRole('button', { name: 'Show cell' }).click();
    await cellWith('contents = open').getByText('Failed on restore').waitFor();
    await page.getByRole('button', { name: 'Restore again' }).waitFor();
    await screenshot(page, 'restore-05-failed');
    expect(errors).toEqual([]);
  });
});
