import { describe, expect, it } from 'vitest';
import type { CodeCell } from '../../server/protocol/index.ts';
import { lastToolResult, startFakeOpenAI, type FakeOpenAI } from '../fakes/openai-server.ts';
import { startTestTalkbook } from '../helpers/talkbook.ts';
import { browserSession } from './support/browser-session.ts';
import { screenshot } from './support/browser.ts';
import { openNewConversation } from './support/page-actions.ts';

/**
 * Issue 20 in a browser, against a real Talkbook with real kernels: answering an `input()`
 * prompt in the cell, the variable explorer, the stale badge and Run stale cells.
 */
describe('a live notebook in a browser', { timeout: 240_000 }, () => {
  let fake: FakeOpenAI;
  const session = browserSession({
    start: async () => {
      fake = await startFakeOpenAI();
      return startTestTalkbook({ OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'test', TALKBOOK_MODEL: 'gpt-test' });
    },
    stop: async () => fake?.close(),
  });

  it('answers input() and getpass() inside the running cell', async () => {
    const { talkbook, page } = session;
    const { id, box } = await openNewConversation(page, talkbook, 'Prompts');
    await box.fill("name = input('Your name? ')\nprint('Hello,', name)");
    await box.press('Control+Enter');
    const field = page.getByRole('textbox', { name: 'Your name?' });
    await field.waitFor({ timeout: 60_000 });
    // It takes focus: typing goes straight into it.
    await page.keyboard.type('Ada');
    await screenshot(page, 'live-stdin-prompt');
    await page.keyboard.press('Enter');
    await page.locator('.stream-stdout', { hasText: 'Hello, Ada' }).waitFor({ timeout: 30_000 });
    await field.waitFor({ state: 'detached' });

    await box.fill("import getpass\npw = getpass.getpass('Password: ')\nprint(len(pw))");
    await box.press('Control+Enter');
    const secret = page.getByLabel('Password:');
    await secret.waitFor({ timeout: 30_000 });
    expect(await secret.getAttribute('type')).toBe('password');
    await secret.fill('s3cret!');
    await screenshot(page, 'live-stdin-password');
    await secret.press('Enter');
    await page.locator('.stream-stdout', { hasText: 'Password: (answer hidden)' }).waitFor({ timeout: 30_000 });
    expect(await page.locator('body').innerText()).not.toContain('s3cret!');
  });

  it('an assistant turn that calls input() waits for the person, the page says so, then goes on', async () => {
    const { talkbook, page } = session;
    fake.script([
      { toolCall: { code: "city = input('Which city? ')\nprint('Weather for', city)" } },
      (req) => ({ text: `The code said: ${lastToolResult(req.body).trim().split('\n').at(-1)!}` }),
    ]);
    const { id, box } = await openNewConversation(page, talkbook, 'Assistant prompt');
    await box.fill('Ask me for a city.');
    await box.press('Enter');
    const field = page.getByRole('textbox', { name: 'Which city?' });
    await field.waitFor({ timeout: 60_000 });
    const note = page.locator('article.code-cell .stdin-note');
    expect(await note.innerText()).toBe('The assistant’s code is waiting for your answer.');
    await field.fill('Lisbon');
    await screenshot(page, 'live-stdin-assistant');
    await field.press('Enter');
    await page.locator('.assistant-cell', { hasText: 'The code said: Weather for Lisbon' }).waitFor({ timeout: 60_000 });
    await field.waitFor({ state: 'detached' });
    expect(await note.count()).toBe(0);
  });

  it('lists the kernel’s variables in the explorer, inserts a name, opens a DataFrame as a table', async () => {
    const { talkbook, page } = session;
    const { id, box } = await openNewConversation(page, talkbook, 'Explorer');
    await box.fill("import pandas as pd\nsales = pd.DataFrame({'month': ['jan', 'feb', 'mar'], 'revenue': [1.5, 2.5, 4.0]})\nthreshold = 2\nregions = ['north', 'south']");
    await box.press('Control+Enter');
    await page.locator('article.code-cell.status-ok').waitFor({ timeout: 60_000 });
    await page.locator('.conversation-header').getByRole('button', { name: 'Variables', exact: true }).click();
    const panel = page.getByRole('complementary', { name: 'Variables' });
    await panel.getByRole('button', { name: 'sales', exact: true }).waitFor({ timeout: 30_000 });
    expect(await panel.locator('.variable-name').allInnerTexts()).toEqual(['regions', 'sales', 'threshold']);
    expect(await panel.locator('.variable-row', { hasText: 'sales' }).innerText()).toContain('3 × 2');
    await screenshot(page, 'live-variables-panel');

    // Refreshed after the next cell, which adds nothing but the variable.
    await box.fill('limit = threshold * 10');
    await box.press('Control+Enter');
    await panel.getByRole('button', { name: 'limit', exact: true }).waitFor({ timeout: 30_000 });

    await panel.getByRole('button', { name: 'threshold', exact: true }).click();
    await expect.poll(() => box.inputValue()).toBe('threshold');

    await panel.getByRole('button', { name: 'Open sales as a table' }).click();
    const table = page.getByRole('dialog', { name: 'Table sales' });
    await table.getByRole('table').waitFor({ timeout: 30_000 });
    expect(await table.innerText()).toContain('revenue');
    await screenshot(page, 'live-variables-table');
    await page.keyboard.press('Escape');
    await table.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Close variables' }).click();
  });

  it('marks later cells stale after an edit, and Run stale cells fixes them', async () => {
    const { talkbook, page } = session;
    const { id, box } = await openNewConversation(page, talkbook, 'Stale');
    for (const [i, code] of ['x = 1', 'y = x + 1', 'print(y)', "print('hi')"].entries()) {
      await box.fill(code);
      await box.press('Control+Enter');
      await page.locator('article.code-cell.status-ok').nth(i).waitFor({ timeout: 60_000 });
    }
    const first = page.locator('article.code-cell').first();
    await first.getByRole('button', { name: 'Edit and run again' }).click();
    const editor = first.locator('.cm-content');
    await editor.waitFor();
    await editor.click();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('x = 2');
    await page.keyboard.press('Shift+Enter');
    await page.locator('.stale-badge').nth(1).waitFor({ timeout: 60_000 });
    const cells = page.locator('article.code-cell');
    const staleFlags = async () => Promise.all([0, 1, 2, 3].map(async (i) => (await cells.nth(i).getAttribute('class'))!.includes(' stale')));
    expect(await staleFlags()).toEqual([false, true, true, false]);
    expect(await cells.nth(1).getAttribute('aria-label')).toContain('stale');
    await page.getByRole('button', { name: 'Run stale cells' }).waitFor();
    await screenshot(page, 'live-stale-cells');

    await page.getByRole('button', { name: 'Run stale cells' }).click();
    await page.getByRole('button', { name: 'Run stale cells' }).waitFor({ state: 'detached', timeout: 60_000 });
    expect(await staleFlags()).toEqual([false, false, false, false]);
    await cells.nth(2).locator('.stream-stdout', { hasText: '3' }).waitFor({ timeout: 30_000 });
    const stored = (await (await talkbook.api(`/api/conversations/${id}`)).json()) as { cells: CodeCell[] };
    expect(stored.cells.map((cell) => cell.stale ?? false)).toEqual([false, false, false, false]);
    await screenshot(page, 'live-stale-fixed');
  });
});
