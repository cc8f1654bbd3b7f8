import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import { launchChromium, openPage, screenshot } from './support/browser.ts';

/**
 * Sharing in Chromium (issue 17), each person in a browser context of their own, signed in with
 * a password: two people in one conversation see each other's cells with who ran them, the
 * share dialog (roles, revoking, the read-only link) and the admin page disabling a user.
 */
describe('sharing in a browser', { timeout: 300_000 }, () => {
  let talkbook: TestTalkbook;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const errors: string[][] = [];
  const PASSWORD = 'a long enough password';

  beforeAll(async () => {
    talkbook = await startTestTalkbook({ TALKBOOK_KERNEL_POOL: '0' });
    for (const [username, displayName, role] of [['ana', 'Ana', 'member'], ['ben', 'Ben', 'member'], ['cleo', 'Cleo', 'member'], ['dana', 'Dana', 'member'], ['root', 'Root', 'admin']] as const) {
      const created = await talkbook.api('/api/admin/users', { method: 'POST', body: JSON.stringify({ username, password: PASSWORD, role, displayName }) });
      expect(created.status).toBe(201);
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await talkbook?.close();
  });

  /** A new browser context signed in as `username` through the sign-in page. */
  async function signedIn(username: string): Promise<Page> {
    const opened = await openPage(browser, { width: 1200, height: 860 });
    contexts.push(opened.context);
    errors.push(opened.errors);
    const { page } = opened;
    await page.goto(talkbook.url);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'New conversation' }).waitFor();
    return page;
  }

  async function run(page: Page, code: string, output: string): Promise<void> {
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill(code);
    await box.press('Control+Enter');
    await page.locator('.stream-stdout', { hasText: output }).waitFor({ timeout: 60_000 });
  }

  let ana: Page;
  let ben: Page;
  let id: string;

  it('two people in one conversation see each other\'s cells live, each labelled with who ran it', async () => {
    ana = await signedIn('ana');
    ben = await signedIn('ben');
    await ana.getByRole('button', { name: 'New conversation' }).click();
    await ana.waitForURL(/\/c\/[0-9a-f]+$/);
    id = ana.url().split('/').at(-1)!;
    await run(ana, 'print("alone" + " first")', 'alone first');
    // One person, not shared: no labels.
    expect(await ana.locator('.cell-by').count()).toBe(0);

    await ana.locator('.header-actions').getByRole('button', { name: 'Share' }).click();
    const dialog = ana.getByRole('dialog', { name: 'Share' });
    await dialog.getByLabel('Username').fill('ben');
    await dialog.getByLabel('Role', { exact: true }).selectOption('editor');
    await dialog.getByRole('button', { name: 'Share', exact: true }).click();
    await dialog.getByRole('combobox', { name: 'Role of Ben' }).waitFor();
    expect(await dialog.getByRole('combobox', { name: 'Role of Ben' }).inputValue()).toBe('editor');
    await dialog.getByRole('button', { name: 'Close' }).click();
    // Shared now: Ana's own cell says who ran it.
    await ana.locator('article.code-cell .cell-by', { hasText: 'Ana ran this' }).waitFor();

    await ben.goto(`${talkbook.url}/c/${id}`);
    await ben.locator('article.code-cell .cell-by', { hasText: 'Ana ran this' }).waitFor();
    await run(ben, 'print("ben" + " was here")', 'ben was here');
    // Live in Ana's page, labelled with Ben's name, without a reload.
    await ana.locator('article.code-cell', { hasText: 'ben was here' }).locator('.cell-by', { hasText: 'Ben ran this' }).waitFor();
    // Not "You" on someone else's cell.
    expect((await ana.locator('article.code-cell', { hasText: 'ben was here' }).locator('.author-badge').textContent())?.trim()).toBe('Ben');
    expect((await ana.locator('article.code-cell', { hasText: 'alone first' }).locator('.author-badge').textContent())?.trim()).toBe('You');
    await run(ana, 'print("ana" + " again")', 'ana again');
    await ben.locator('article.code-cell', { hasText: 'ana again' }).locator('.cell-by', { hasText: 'Ana ran this' }).waitFor();
    await screenshot(ana, 'sharing-01-labels-ana');
    await screenshot(ben, 'sharing-02-labels-ben');
    expect(errors.flat()).toEqual([]);
  });

  it('the share dialog changes a role and revokes; the read-only link opens the conversation for view only, until revoked', async () => {
    await ana.locator('.header-actions').getByRole('button', { name: 'Share' }).click();
    const dialog = ana.getByRole('dialog', { name: 'Share' });
    await dialog.getByRole('combobox', { name: 'Role of Ben' }).selectOption('viewer');
    await dialog.getByRole('status').filter({ hasText: 'Ben is now viewer.' }).waitFor();

    // Ben, a viewer now: the box and the kernel controls are off, with a note saying why.
    await ben.reload();
    await ben.getByRole('note').filter({ hasText: 'You can view this conversation' }).waitFor();
    expect(await ben.getByRole('textbox', { name: 'Message' }).isDisabled()).toBe(true);
    expect(await ben.getByRole('button', { name: 'Upload files' }).isDisabled()).toBe(true);
    expect(await ben.locator('.header-actions').getByRole('button', { name: 'Run all' }).count()).toBe(0);
    expect(await ben.locator('.header-actions').getByRole('button', { name: 'Share' }).count()).toBe(0);
    // Nor does a cell offer to change it: no edit, skip-on-restore or delete, in its toolbar or menu.
    const cell = ben.locator('.code-cell').first();
    await cell.waitFor();
    for (const name of ['Edit and run again', "Don't replay when restoring state", 'Delete cell']) expect(await cell.getByRole('button', { name }).count(), name).toBe(0);
    await cell.getByRole('button', { name: 'Cell actions' }).click();
    await ben.getByRole('menuitem', { name: 'Copy code' }).waitFor();
    expect(await ben.getByRole('menuitem', { name: /Delete cell|Undo this cell|Edit and run again/ }).count()).toBe(0);
    await ben.keyboard.press('Escape');
    await screenshot(ben, 'sharing-03-viewer');

    await dialog.getByRole('button', { name: 'Create a read-only link' }).click();
    const url = (await dialog.locator('[data-share-link]').textContent())!.trim();
    expect(url).toMatch(new RegExp(`^${talkbook.url}/shared#[A-Za-z0-9_-]{43}$`));
    await screenshot(ana, 'sharing-04-dialog');
    await dialog.getByRole('button', { name: 'Close' }).click();

    const cleo = await signedIn('cleo');
    await cleo.goto(url);
    await cleo.waitForURL(`${talkbook.url}/c/${id}`);
    await cleo.locator('article.code-cell', { hasText: 'ana again' }).waitFor();
    await cleo.getByRole('note').filter({ hasText: 'You can view this conversation' }).waitFor();
    // Live output reaches the link's viewer.
    await run(ana, 'print("for" + " cleo")', 'for cleo');
    await cleo.locator('.stream-stdout', { hasText: 'for cleo' }).waitFor();

    await ana.locator('.header-actions').getByRole('button', { name: 'Share' }).click();
    await dialog.getByRole('button', { name: 'Revoke the link' }).click();
    await dialog.getByRole('status').filter({ hasText: 'The link no longer works.' }).waitFor();
    await cleo.reload();
    await cleo.getByRole('heading', { name: 'Conversation not found' }).waitFor();
    await cleo.goto(url);
    await cleo.getByRole('heading', { name: 'Link not found' }).waitFor();

    await dialog.getByRole('button', { name: 'Revoke Ben' }).click();
    await dialog.getByRole('button', { name: 'Revoke Ben' }).waitFor({ state: 'detached' });
    // Revoked while open: Ben's page loses the conversation.
    await ben.getByRole('heading', { name: 'Conversation not found' }).waitFor({ timeout: 30_000 });
    expect(errors.flat()).toEqual([]);
  });

  it('the admin page lists users with their kernels and storage; disabling one ends their session at once', async () => {
    const dana = await signedIn('dana');
    await dana.getByRole('button', { name: 'New conversation' }).click();
    await dana.waitForURL(/\/c\/[0-9a-f]+$/);
    await run(dana, 'print("dana" + " works")', 'dana works');

    const root = await signedIn('root');
    await root.getByRole('link', { name: 'Admin' }).click();
    await root.waitForURL(`${talkbook.url}/admin`);
    const users = root.getByRole('table', { name: 'Users' });
    const danaRow = users.locator('tr[data-user="dana"]');
    await danaRow.waitFor();
    // Dana's kernel is live, and her conversation holds bytes in the store.
    expect(await danaRow.locator('td[data-kernels]').getAttribute('data-kernels')).toBe('1');
    expect(await danaRow.textContent()).toMatch(/\d+(\.\d)? (B|KB) in 1 conversation/);
    await root.getByRole('table', { name: 'Audit log' }).getByText('share-link-revoked').waitFor();
    await screenshot(root, 'sharing-05-admin', true);

    await danaRow.getByRole('button', { name: 'Disable Dana' }).click();
    await danaRow.getByText('Disabled', { exact: true }).waitFor();
    // Dana's open page is signed out without her doing anything.
    await dana.getByRole('heading', { name: 'Sign in to Talkbook' }).waitFor({ timeout: 30_000 });
    await dana.getByLabel('Username').fill('dana');
    await dana.getByLabel('Password').fill(PASSWORD);
    await dana.getByRole('button', { name: 'Sign in' }).click();
    await dana.getByRole('alert').waitFor();
    await screenshot(dana, 'sharing-06-disabled');

    // A member has no admin page.
    await ben.goto(`${talkbook.url}/admin`);
    await ben.getByRole('heading', { name: 'Page not found' }).waitFor();
    await ben.goto(talkbook.url);
    await ben.getByRole('button', { name: 'Account and API tokens' }).waitFor();
    expect(await ben.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    expect(errors.flat()).toEqual([]);
  });
});
