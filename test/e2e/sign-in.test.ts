import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import { audit } from './support/axe-audit.ts';
import { launchChromium, openPage, screenshot } from './support/browser.ts';

/** Signing in with a password in Chromium (real server): a wrong password says so, the right one opens the app, and a restart keeps the browser signed in. */
describe('password sign-in in a browser', { timeout: 180_000 }, () => {
  let talkbook: TestTalkbook;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    talkbook = await startTestTalkbook({ TALKBOOK_KERNEL_POOL: '0' });
    const created = await talkbook.api('/api/admin/users', { method: 'POST', body: JSON.stringify({ username: 'erin', password: 'a long enough password', role: 'member' }) });
    expect(created.status).toBe(201);
    browser = await launchChromium();
    ({ context, page, errors } = await openPage(browser, { width: 1200, height: 860 }));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await talkbook?.close();
  });

  it('shows the sign-in page, says a wrong password plainly, and signs in with the right one', async () => {
    await page.goto(talkbook.url);
    await page.getByRole('heading', { name: 'Sign in to Talkbook' }).waitFor();
    expect(await audit(page, 'sign-in-page')).toEqual([]);
    await page.getByLabel('Username').fill('erin');
    await page.getByLabel('Password').fill('not it');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong username or password.' }).waitFor();
    expect(await audit(page, 'sign-in-wrong-password')).toEqual([]);
    await screenshot(page, 'sign-in-01-wrong-password');

    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'New conversation' }).waitFor();
    // The app works with the cookie and its CSRF token: create a conversation from the page.
    await page.getByRole('button', { name: 'New conversation' }).click();
    await page.waitForURL(/\/c\/[0-9a-f]+$/);
    await screenshot(page, 'sign-in-02-signed-in');
    const id = page.url().split('/').at(-1)!;
    // It is Erin's: the admin (TALKBOOK_TOKEN) does not see it.
    expect((await talkbook.api(`/api/conversations/${id}`)).status).toBe(404);
    expect(errors).toEqual([]);
  });

  it('makes an API token in the page (shown once), revokes it, and signs out', async () => {
    await page.goto(talkbook.url);
    await page.getByRole('button', { name: 'Account and API tokens' }).click();
    const panel = page.getByRole('dialog', { name: 'Account' });
    await panel.getByText('Signed in as').waitFor();
    await panel.getByLabel('Token name').fill('notebook script');
    await panel.getByRole('button', { name: 'Create token' }).click();
    const token = (await panel.locator('.new-token').textContent())!;
    expect(token).toMatch(/^tbk_[A-Za-z0-9_-]{43}$/);
    expect(await audit(page, 'account-panel')).toEqual([]);
    await screenshot(page, 'sign-in-03-token');
    const asScript = await fetch(`${talkbook.url}/api/auth/session`, { headers: { Authorization: `Bearer ${token}` } });
    expect(((await asScript.json()) as { user: { username: string } }).user.username).toBe('erin');
    await panel.getByRole('button', { name: 'Revoke notebook script' }).click();
    await panel.getByRole('button', { name: 'Revoke notebook script' }).waitFor({ state: 'detached' });
    expect((await fetch(`${talkbook.url}/api/auth/session`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
    await panel.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Talkbook' }).waitFor();
    // Signed in again for the next test.
    await page.getByLabel('Username').fill('erin');
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'New conversation' }).waitFor();
  });

  it('stays signed in across a server restart', async () => {
    await talkbook.restart();
    await page.goto(talkbook.url);
    await page.getByRole('button', { name: 'New conversation' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Sign in to Talkbook' }).count()).toBe(0);
  });
});
