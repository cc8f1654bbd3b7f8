import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { freePort } from '../helpers/free-port.ts';
import { startTestOidcProvider, type TestOidcProvider } from '../helpers/oidc-provider.ts';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import { launchChromium, openPage, screenshot } from './support/browser.ts';

const PROVIDER = 'Test Provider';

interface PublicUserSeen {
  id: string;
  displayName: string;
  email: string | null;
  role: string;
  disabled: boolean;
}

/**
 * Signing in with OpenID Connect in Chromium, against a real provider (oidc-provider on
 * loopback, another site than Talkbook): the button, the provider's login and consent pages,
 * back to Talkbook signed in; and each refusal ends on a page that says why.
 */
function oidcSignInSuite(engine: 'sqlite' | 'postgres') {
  describe(`OpenID Connect sign-in in a browser (${engine})`, { timeout: 240_000 }, () => {
    let provider: TestOidcProvider;
    let talkbook: TestTalkbook;
    let postgres: TestPostgres | undefined;
    let browser: Browser;

    beforeAll(async () => {
      const port = await freePort();
      const publicUrl = `http://127.0.0.1:${port}`;
      provider = await startTestOidcProvider({
        redirectUri: `${publicUrl}/api/auth/oidc/callback`,
        users: [
          { login: 'alice', email: 'alice@example.com', name: 'Alice Example' },
          { login: 'bob', email: 'bob@example.com', name: 'Bob Example' },
          { login: 'carol', email: 'carol@elsewhere.org', name: 'Carol Elsewhere' },
          { login: 'dave', email: 'dave@example.com', emailVerified: false, name: 'Dave Unverified' },
          { login: 'erin', email: 'erin@example.com', name: 'Erin Example' },
        ],
      });
      if (engine === 'postgres') postgres = await startTestPostgres();
      talkbook = await startTestTalkbook({
        PORT: String(port),
        TALKBOOK_KERNEL_POOL: '0',
        ...provider.env(publicUrl),
        TALKBOOK_OIDC_NAME: PROVIDER,
        TALKBOOK_OIDC_ALLOWED_DOMAINS: 'example.com',
        TALKBOOK_OIDC_FIRST_ADMIN: '1',
        ...(postgres ? { DATABASE_URL: await postgres.database() } : {}),
      });
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
      await talkbook?.close();
      await provider?.close();
      await postgres?.close();
    });

    /** A fresh browser (no cookies anywhere) clicks the button and signs in at the provider as `login`. */
    async function signInAtProvider(login: string, name: string): Promise<Page> {
      const { page } = await openPage(browser, { width: 1100, height: 800 });
      await page.goto(talkbook.url);
      await page.getByRole('link', { name: `Sign in with ${PROVIDER}` }).waitFor();
      if (name === 'first') await screenshot(page, 'oidc-00-sign-in-page');
      await page.getByRole('link', { name: `Sign in with ${PROVIDER}` }).click();
      // The provider's own pages (oidc-provider's development login and consent).
      await page.locator('input[name="login"]').fill(login);
      await page.locator('input[name="password"]').fill('anything');
      if (name === 'first') await screenshot(page, 'oidc-01-provider-login');
      await page.getByRole('button', { name: 'Sign-in' }).click();
      await page.getByRole('button', { name: 'Continue' }).click();
      return page;
    }

    async function users(): Promise<PublicUserSeen[]> {
      const response = await talkbook.api('/api/admin/users');
      expect(response.status).toBe(200);
      return ((await response.json()) as { users: PublicUserSeen[] }).users;
    }

    async function auditDetails(): Promise<string[]> {
      const response = await talkbook.api('/api/admin/audit');
      return ((await response.json()) as { entries: Array<{ action: string; detail: string | null }> }).entries.map((entry) => `${entry.action} ${entry.detail ?? ''}`);
    }

    async function refusal(page: Page): Promise<string> {
      await page.getByRole('heading', { name: 'Sign-in refused' }).waitFor();
      expect(await page.getByRole('link', { name: 'Back to the sign-in page' }).getAttribute('href')).toBe('/');
      const text = (await page.locator('#reason').textContent()) ?? '';
      expect(await page.content()).not.toMatch(/at .*\.(ts|js):\d+/);
      return text;
    }

    it('signs in through the provider and comes back to Talkbook signed in (the first person becomes an admin)', async () => {
      const page = await signInAtProvider('alice', 'first');
      await page.getByRole('button', { name: 'New conversation' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/');
      const session = await page.evaluate(async () => (await fetch('/api/auth/session')).json());
      expect(session).toMatchObject({ via: 'session', user: { displayName: 'Alice Example', email: 'alice@example.com', role: 'admin', username: null } });
      // The page works with the session cookie and its CSRF token.
      await page.getByRole('button', { name: 'New conversation' }).click();
      await page.waitForURL(/\/c\/[0-9a-f]+$/);
      await screenshot(page, 'oidc-02-signed-in');
      expect(await auditDetails()).toContain('sign-in oidc');
      await page.context().close();
    });

    it('makes later people members, and refuses a disabled one on the next sign-in', async () => {
      const page = await signInAtProvider('bob', 'bob');
      await page.getByRole('button', { name: 'New conversation' }).waitFor();
      await page.context().close();
      const bob = (await users()).find((user) => user.email === 'bob@example.com')!;
      expect(bob).toMatchObject({ role: 'member', disabled: false, displayName: 'Bob Example' });
      const disabled = await talkbook.api(`/api/admin/users/${bob.id}`, { method: 'PATCH', body: JSON.stringify({ disabled: true }) });
      expect(disabled.status).toBe(200);
      const again = await signInAtProvider('bob', 'bob');
      expect(await refusal(again)).toContain('This account is disabled');
      await screenshot(again, 'oidc-03-disabled');
      expect(await auditDetails()).toContain('sign-in-failed oidc: user-disabled');
      await again.context().close();
    });

    it('refuses an email domain that is not allowed', async () => {
      const page = await signInAtProvider('carol', 'carol');
      expect(await refusal(page)).toContain('does not admit accounts from "elsewhere.org"');
      await screenshot(page, 'oidc-04-domain');
      expect((await users()).some((user) => user.email === 'carol@elsewhere.org')).toBe(false);
      await page.context().close();
    });

    if (engine === 'postgres') return;

    it('refuses an unverified email when domains are checked', async () => {
      const page = await signInAtProvider('dave', 'dave');
      expect(await refusal(page)).toContain('not verified');
      await page.context().close();
    });

    it('refuses a tampered state', async () => {
      // The provider's answer is altered on its way back: another state than this browser's.
      provider.tamperRedirects((url) => url.searchParams.set('state', `${url.searchParams.get('state')}x`));
      try {
        const page = await signInAtProvider('erin', 'erin');
        expect(await refusal(page)).toContain('"state" does not match');
        await screenshot(page, 'oidc-05-state');
        await page.context().close();
      } finally {
        provider.tamperRedirects(undefined);
      }
      expect(await auditDetails()).toContain('sign-in-failed oidc: state-mismatch');
    });

    it('refuses an ID token with another nonce', async () => {
      provider.tamperIdTokens((claims) => ({ ...claims, nonce: 'a-nonce-from-another-sign-in' }));
      try {
        const page = await signInAtProvider('erin', 'erin');
        expect(await refusal(page)).toContain('"nonce" does not match');
        await page.context().close();
      } finally {
        provider.tamperIdTokens(undefined);
      }
      expect(await auditDetails()).toContain('sign-in-failed oidc: nonce-mismatch');
    });

    it('refuses an ID token signed with a key that is not the provider\'s', async () => {
      provider.tamperIdTokens((claims) => claims, { signWith: 'another-key' });
      try {
        const page = await signInAtProvider('erin', 'erin');
        expect(await refusal(page)).toContain('did not pass its checks');
        await page.context().close();
      } finally {
        provider.tamperIdTokens(undefined);
      }
      expect(await auditDetails()).toContain('sign-in-failed oidc: id-token-invalid');
    });

    it('makes a new session id at every sign-in and ends the one the browser had (no fixation)', async () => {
      const page = await signInAtProvider('alice', 'alice');
      await page.getByRole('button', { name: 'New conversation' }).waitFor();
      const sessionCookie = async () => (await page.context().cookies(talkbook.url)).find((cookie) => cookie.name === 'talkbook_session')!;
      const first = await sessionCookie();
      expect(first).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
      // Again (the provider remembers Alice: straight back), in the same browser.
      await page.goto(`${talkbook.url}/api/auth/oidc/start`);
      await page.getByRole('button', { name: 'New conversation' }).waitFor();
      const second = await sessionCookie();
      expect(second.value).not.toBe(first.value);
      const withOld = await fetch(`${talkbook.url}/api/auth/session`, { headers: { Cookie: `talkbook_session=${first.value}`, 'Sec-Fetch-Site': 'same-origin' } });
      expect(withOld.status).toBe(401);
      const withNew = await fetch(`${talkbook.url}/api/auth/session`, { headers: { Cookie: `talkbook_session=${second.value}`, 'Sec-Fetch-Site': 'same-origin' } });
      expect(withNew.status).toBe(200);
      await page.context().close();
    });

    it('refuses an expired ID token', async () => {
      const now = Math.floor(Date.now() / 1000);
      provider.tamperIdTokens((claims) => ({ ...claims, iat: now - 900, exp: now - 600 }));
      try {
        const page = await signInAtProvider('erin', 'erin');
        expect(await refusal(page)).toContain('has expired');
        await screenshot(page, 'oidc-06-expired');
        await page.context().close();
      } finally {
        provider.tamperIdTokens(undefined);
      }
      expect(await auditDetails()).toContain('sign-in-failed oidc: id-token-expired');
      // Erin herself is fine: with an honest token she gets in.
      const page = await signInAtProvider('erin', 'erin');
      await page.getByRole('button', { name: 'New conversation' }).waitFor();
      await page.context().close();
    });
  });
}

oidcSignInSuite('sqlite');
oidcSignInSuite('postgres');
