import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openPage, screenshot } from './support/browser.ts';
import { startMockTalkbook, type MockTalkbook } from './support/mock-talkbook.ts';

/**
 * Behaviour of the page against a scripted stand-in server: keyboard, sidebar, edit-and-run,
 * reconnect with resume, two tabs, the sign-in screen. Real kernels: see talkbook.test.ts.
 */
describe('interaction (mock server)', () => {
  let browser: Browser;
  let server: MockTalkbook;

  beforeAll(async () => {
    server = await startMockTalkbook({
      model: { configured: true, name: 'fake-model' },
      onRun: (code, io) => {
        if (code.includes('forever')) return 'loop';
        if (code.includes('explode')) throw new Error('The kernel died while running this cell.');
        io.output({ output_type: 'stream', name: 'stdout', text: `ran: ${code}\n` });
        return 'ok';
      },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signedIn(width = 1280): Promise<Page> {
    const { page } = await openPage(browser, { width });
    await page.goto(`${server.url}/?token=${server.token}`);
    return page;
  }

  async function newConversation(page: Page): Promise<string> {
    const before = new URL(page.url()).pathname;
    await page.getByRole('button', { name: 'New conversation', exact: true }).click();
    await page.waitForURL((url) => /^\/c\/[0-9a-f]+$/.test(url.pathname) && url.pathname !== before);
    return new URL(page.url()).pathname.split('/').pop()!;
  }

  it('shows the sign-in screen without the cookie', async () => {
    const { page, context } = await openPage(browser);
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Sign in to Talkbook' }).waitFor();
    await screenshot(page, 'ui-sign-in');
    await context.close();
  });

  it('Enter asks, Shift+Enter is a new line, Ctrl+Enter runs as code', async () => {
    const page = await signedIn();
    await newConversation(page);
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.click();
    await box.pressSequentially('first line');
    await box.press('Shift+Enter');
    await box.pressSequentially('second line');
    expect(await box.inputValue()).toBe('first line\nsecond line');
    await box.press('Enter');
    await page.locator('.user-bubble', { hasText: 'second line' }).waitFor();
    await page.locator('.assistant-cell', { hasText: 'Let me run that for you.' }).waitFor();
    await page.locator('.code-cell.author-assistant .stream-stdout', { hasText: 'ran: print("from the assistant")' }).waitFor();
    expect(await box.inputValue()).toBe('');

    await box.fill('x = 41 + 1');
    await box.press('Control+Enter');
    await page.locator('.code-cell.author-user', { hasText: 'ran: x = 41 + 1' }).waitFor();
    await expect.poll(() => page.locator('.code-cell.author-user .execution-count').textContent()).toMatch(/\[\d+\]/);

    // The visible toggle: in Code mode Enter is a new line and the button says Run.
    await page.getByText('Code', { exact: true }).click();
    await box.fill('a = 1');
    await box.press('Enter');
    expect(await box.inputValue()).toBe('a = 1\n');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.locator('.code-cell', { hasText: 'ran: a = 1' }).waitFor();
    await screenshot(page, 'ui-keyboard');
    await page.context().close();
  });

  it('edits a cell and runs it again in place; collapses and expands it', async () => {
    const page = await signedIn();
    await newConversation(page);
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('print("v1")');
    await box.press('Control+Enter');
    const cell = page.locator('.code-cell').first();
    await cell.getByText('ran: print("v1")').waitFor();

    await cell.getByRole('button', { name: 'Edit and run again' }).click();
    const editor = cell.getByRole('textbox', { name: 'Edit code' });
    await editor.waitFor();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('print("v2")');
    await screenshot(page, 'ui-editing');
    await page.keyboard.press('Shift+Enter');
    await cell.getByText('ran: print("v2")').waitFor();
    expect(await page.locator('.code-cell').count()).toBe(1);

    await cell.getByRole('button', { name: 'Collapse cell' }).click();
    await expect.poll(() => cell.locator('.output-area').count()).toBe(0);
    await cell.getByRole('button', { name: 'Expand cell' }).click();
    await cell.getByText('ran: print("v2")').waitFor();
    await page.context().close();
  });

  it('Stop cancels a running turn; Interrupt stops a loop', async () => {
    const page = await signedIn();
    await newConversation(page);
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('run forever');
    await box.press('Control+Enter');
    await page.locator('.code-cell', { hasText: 'tick 3' }).waitFor();
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.locator('.code-cell.status-interrupted').waitFor();
    await page.getByRole('button', { name: 'Stop', exact: true }).waitFor({ state: 'detached' });

    await box.fill('again forever');
    await box.press('Control+Enter');
    await page.locator('.code-cell', { hasText: 'again forever' }).locator('text=tick 2').waitFor();
    await page.getByRole('button', { name: 'Interrupt' }).click();
    await expect.poll(() => page.locator('.code-cell.status-interrupted').count()).toBe(2);
    await page.locator('.code-cell').last().locator('.output-traceback', { hasText: 'KeyboardInterrupt' }).waitFor();
    await page.context().close();
  });

  it('reconnects after a drop and resumes without losing or repeating output', async () => {
    const page = await signedIn();
    const id = await newConversation(page);
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('print(1)');
    await box.press('Control+Enter');
    await page.getByText('ran: print(1)').waitFor();

    server.refuseSockets(true);
    server.dropSockets();
    await page.getByText('Connection lost. Reconnecting…').waitFor();
    await screenshot(page, 'ui-reconnecting');
    // While the page is away, another tab runs something.
    const other = await signedIn();
    await other.goto(`${server.url}/c/${id}`);
    await other.getByText('ran: print(1)').waitFor();
    server.refuseSockets(false);
    await other.getByRole('textbox', { name: 'Message' }).fill('print(2)');
    await other.getByRole('textbox', { name: 'Message' }).press('Control+Enter');
    await other.getByText('ran: print(2)').waitFor();

    await page.getByText('Connection lost. Reconnecting…').waitFor({ state: 'detached', timeout: 20_000 });
    await page.getByText('ran: print(2)').waitFor();
    expect(await page.locator('.code-cell').count()).toBe(2);
    expect(await page.getByText('ran: print(1)').count()).toBe(1);
    expect(await page.getByText('ran: print(2)').count()).toBe(1);

    // Two tabs stay in sync both ways.
    await box.fill('print(3)');
    await box.press('Control+Enter');
    await other.getByText('ran: print(3)').waitFor();
    await other.context().close();
    await page.context().close();
  });

  it('renames, and deletes with confirmation; back and forward work', async () => {
    const page = await signedIn();
    const first = await newConversation(page);
    const second = await newConversation(page);
    expect(second).not.toBe(first);

    const item = page.locator('.conversation-item.active');
    await item.getByRole('button', { name: /^Rename/ }).click();
    const input = page.getByRole('textbox', { name: 'Conversation title' });
    await input.fill('Quarterly sales');
    await input.press('Enter');
    await page.getByRole('heading', { name: 'Quarterly sales' }).waitFor();
    await page.getByRole('link', { name: /Quarterly sales/ }).waitFor();

    await page.goBack();
    await page.waitForURL(new RegExp(`/c/${first}$`));
    await page.goForward();
    await page.waitForURL(new RegExp(`/c/${second}$`));
    await page.getByRole('heading', { name: 'Quarterly sales' }).waitFor();

    await page.locator('.conversation-item.active').getByRole('button', { name: 'Delete Quarterly sales' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this conversation?' });
    await dialog.waitFor();
    await screenshot(page, 'ui-delete-dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'Quarterly sales' }).waitFor();
    await page.locator('.conversation-item.active').getByRole('button', { name: 'Delete Quarterly sales' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await expect.poll(() => page.getByRole('link', { name: /Quarterly sales/ }).count()).toBe(0);
    await page.context().close();
  });

  it('shows a failed turn as a dismissible message', async () => {
    const page = await signedIn();
    await newConversation(page);
    await page.getByRole('textbox', { name: 'Message' }).fill('explode()');
    await page.getByRole('textbox', { name: 'Message' }).press('Control+Enter');
    const toast = page.locator('.toast', { hasText: 'The kernel died while running this cell.' });
    await toast.waitFor();
    await screenshot(page, 'ui-toast');
    await toast.getByRole('button', { name: 'Dismiss' }).click();
    await toast.waitFor({ state: 'detached' });
    await page.context().close();
  });

  it('uploads a file with a progress bar', async () => {
    const page = await signedIn();
    await newConversation(page);
    await page.locator('.prompt-box input[type=file]').setInputFiles({ name: 'sales.csv', mimeType: 'text/csv', buffer: Buffer.from('month,total\njan,10\n'.repeat(2000)) });
    const progress = page.getByRole('progressbar', { name: 'Uploading sales.csv' });
    await progress.waitFor();
    await screenshot(page, 'ui-upload-progress');
    await page.getByText('Uploaded sales.csv (').waitFor();
    await page.locator('.notice-cell', { hasText: 'Uploaded sales.csv.' }).waitFor();
    await progress.waitFor({ state: 'detached' });
    await page.context().close();
  });

  it('restart asks first, then says the kernel restarted', async () => {
    const page = await signedIn(800);
    await newConversation(page);
    await page.getByRole('button', { name: 'Restart kernel' }).click();
    await page.getByRole('dialog', { name: 'Restart the kernel?' }).getByRole('button', { name: 'Restart' }).click();
    await page.getByText('The kernel restarted: variables are gone.').waitFor();
    await screenshot(page, 'ui-restart-800');
    await page.context().close();
  });
});
