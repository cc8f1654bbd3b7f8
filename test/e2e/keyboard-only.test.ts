import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestTalkbook } from '../helpers/talkbook.ts';
import { startFakeOpenAI, type FakeOpenAI, type RecordedRequest } from '../fakes/openai-server.ts';
import { browserSession } from './support/browser-session.ts';
import { screenshot } from './support/browser.ts';

/** The fake model: runs a line of Python, then answers with what it printed. */
function modelReply(request: RecordedRequest) {
  const last = request.body.messages[request.body.messages.length - 1];
  if (last?.role === 'tool') return { text: 'Six times seven is **42**.', chunkSize: 4, delayMs: 5 };
  return { text: 'Let me compute it.\n\n', toolCall: { code: 'print("answer", 6 * 7)' } };
}

const focused = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement;
    return {
      tag: element?.tagName.toLowerCase(),
      label: element?.getAttribute('aria-label') ?? '',
      text: element?.textContent?.trim().slice(0, 60) ?? '',
      inEditor: Boolean(element?.closest('.cm-editor')),
      cell: element?.matches('article[data-cell-id]') ? element.getAttribute('aria-label') : undefined,
    };
  });

/**
 * Keyboard only, against the real server, kernel and the fake model: open a conversation, ask,
 * run a code cell, interrupt it, edit a cell and leave the editor, open a cell's menu and
 * delete the cell. The mouse is never used: only Tab, Enter, Escape, arrows and shortcuts.
 */
describe('keyboard only (real server, real kernel, fake model)', { timeout: 240_000 }, () => {
  let fake: FakeOpenAI;
  const session = browserSession({
    start: async () => {
      fake = await startFakeOpenAI();
      fake.script(Array.from({ length: 4 }, () => modelReply));
      return startTestTalkbook({ OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'test', TALKBOOK_MODEL: 'gpt-test' });
    },
    stop: async () => fake?.close(),
  });

  it('does everything without the mouse', async () => {
    const { talkbook, page } = session;
    const { id } = await talkbook.createConversation({ title: 'By keyboard' });
    await page.goto(`${talkbook.url}/?token=${encodeURIComponent(talkbook.token)}`);
    await page.getByRole('link', { name: /By keyboard/ }).waitFor();
    // Nothing jumps the natural order.
    expect(await page.evaluate(() => [...document.querySelectorAll('[tabindex]')].filter((element) => (element as HTMLElement).tabIndex > 0).length)).toBe(0);

    // Open the conversation: Tab to its link in the sidebar, Enter.
    const order: string[] = [];
    for (let i = 0; i < 30 && !(await focused(page)).text.includes('By keyboard'); i++) {
      await page.keyboard.press('Tab');
      const now = await focused(page);
      order.push(now.label || now.text);
    }
    expect(order[0]).toBe('Skip to main content');
    expect(order).toContain('New conversation');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/c/${id}`);
    await page.getByRole('heading', { name: 'By keyboard' }).waitFor();

    // Ask: `/` focuses the message box, Enter sends.
    await page.keyboard.press('/');
    expect((await focused(page)).label).toBe('Message');
    await page.keyboard.type('What is six times seven?');
    await page.keyboard.press('Enter');
    await page.locator('.code-cell.author-assistant .stream-stdout', { hasText: 'answer 42' }).waitFor({ timeout: 90_000 });
    await page.locator('.assistant-cell', { hasText: 'Six times seven is 42.' }).waitFor({ timeout: 30_000 });
    // The live region said so once the answer was complete, not token by token.
    await expect.poll(() => page.locator('[role="status"][aria-live="polite"]').first().textContent()).toContain('The assistant answered: Six times seven is 42.');

    // Run a code cell: Ctrl+Enter.
    await page.keyboard.type('print("kept", 40 + 2)');
    await page.keyboard.press('Control+Enter');
    await page.locator('.code-cell.author-user .stream-stdout', { hasText: 'kept 42' }).waitFor({ timeout: 60_000 });

    // Interrupt: run a loop (Shift+Enter is a new line), Escape leaves the box for the newest cell, i i interrupts.
    for (const line of ['import time', 'for i in range(100000):', '    print("tick", i, flush=True); time.sleep(0.1)']) {
      await page.keyboard.type(line);
      await page.keyboard.press('Shift+Enter');
    }
    await page.keyboard.press('Control+Enter');
    const loop = page.locator('article.code-cell', { hasText: 'range(100000)' });
    await loop.getByText('tick 3').waitFor({ timeout: 60_000 });
    await page.keyboard.press('Escape');
    expect((await focused(page)).cell).toMatch(/^Code cell by you, running/);
    await page.keyboard.press('i');
    await page.keyboard.press('i');
    // The kernel reports it as a traceback, or on stderr when the signal lands between statements.
    await loop.locator('.output-area', { hasText: 'KeyboardInterrupt' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => loop.getAttribute('class')).toMatch(/status-(interrupted|error)/);
    await page.getByRole('button', { name: 'Stop', exact: true }).waitFor({ state: 'detached', timeout: 30_000 });

    // k moves to the previous cell; Enter edits it; Escape leaves CodeMirror (no trap) for the cell.
    await page.keyboard.press('k');
    expect((await focused(page)).cell).toMatch(/^Code cell \[\d+\] by you, done/);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page)).inEditor).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await focused(page)).cell).toMatch(/^Code cell \[\d+\] by you, done/);

    // m opens the cell's menu; the arrows reach Delete; Enter asks; the dialog starts on Cancel, Tab reaches Delete.
    await page.keyboard.press('m');
    const menu = page.getByRole('menu', { name: 'Cell actions' });
    await menu.waitFor();
    expect((await focused(page)).text).toBe('Edit and run again');
    await page.keyboard.press('ArrowUp');
    expect((await focused(page)).text).toBe('Delete cell');
    await screenshot(page, 'keyboard-cell-menu');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Delete this cell?' });
    await dialog.waitFor();
    expect((await focused(page)).text).toBe('Cancel');
    await page.keyboard.press('Tab');
    expect((await focused(page)).text).toBe('Delete');
    await page.keyboard.press('Enter');
    await page.locator('article.code-cell', { hasText: 'kept 42' }).waitFor({ state: 'detached', timeout: 30_000 });
    // Focus went to the next cell, not to the page's body.
    await expect.poll(async () => (await focused(page)).cell).toMatch(/^Code cell \[\d+\] by you, (interrupted|error)/);
    const detail = (await (await talkbook.api(`/api/conversations/${id}`)).json()) as { cells: Array<{ kind: string; source?: string }> };
    expect(detail.cells.some((cell) => cell.source?.includes('kept'))).toBe(false);

    // ? shows the shortcuts; Escape closes the sheet and gives focus back.
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    await screenshot(page, 'keyboard-help');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    expect((await focused(page)).cell).toMatch(/^Code cell/);
  });
});
