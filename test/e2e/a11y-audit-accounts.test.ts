import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import { asUser } from '../helpers/as-user.ts';
import { TestSocket } from '../helpers/test-socket.ts';
import { audit } from './support/axe-audit.ts';
import { launchChromium, openPage, screenshot, type PageOptions } from './support/browser.ts';
import { headerAction, sidewaysOverflow } from './support/page-actions.ts';
import { smallTargets } from './support/touch.ts';

const PASSWORD = 'a long enough password';

interface Fixture {
  conversationId: string;
  linkUrl: string;
}

/** A screen that only exists with accounts: who signs in, and how to get there. */
interface Screen {
  name: string;
  as: 'ana' | 'cleo' | 'root';
  open: (page: Page, at: { url: string; fixture: Fixture }) => Promise<void>;
}

const SCREENS: Screen[] = [
  {
    name: 'share dialog',
    as: 'ana',
    open: async (page, { url, fixture }) => {
      await page.goto(`${url}/c/${fixture.conversationId}`);
      await page.locator('.stream-stdout', { hasText: 'from ana' }).waitFor();
      await headerAction(page, 'Share');
      const dialog = page.getByRole('dialog', { name: 'Share' });
      await dialog.getByRole('combobox', { name: 'Role of Ben' }).waitFor();
      await dialog.getByRole('button', { name: 'Revoke the link' }).waitFor();
    },
  },
  {
    name: 'account panel',
    as: 'ana',
    open: async (page, { url }) => {
      await page.goto(url);
      await page.getByRole('button', { name: 'Account and API tokens' }).click();
      const panel = page.getByRole('dialog', { name: 'Account' });
      await panel.getByText('Signed in as').waitFor();
      await panel.getByRole('button', { name: 'Revoke tests' }).waitFor();
    },
  },
  {
    name: 'admin page',
    as: 'root',
    open: async (page, { url }) => {
      await page.goto(`${url}/admin`);
      await page.getByRole('table', { name: 'Users' }).locator('tr[data-user="ana"]').waitFor();
      await page.getByRole('table', { name: 'Audit log' }).getByText('share-link-created').first().waitFor();
    },
  },
  {
    name: 'shared view (read-only link)',
    as: 'cleo',
    open: async (page, { url, fixture }) => {
      await page.goto(fixture.linkUrl);
      await page.waitForURL(`${url}/c/${fixture.conversationId}`);
      await page.getByRole('note').filter({ hasText: 'You can view this conversation' }).waitFor();
      await page.locator('.stream-stdout', { hasText: 'from ana' }).waitFor();
    },
  },
  {
    name: 'link not found',
    as: 'cleo',
    open: async (page, { url }) => {
      await page.goto(`${url}/shared#not-a-secret-anyone-made`);
      await page.getByRole('heading', { name: 'Link not found' }).waitFor();
    },
  },
];

const VARIANTS: { label: string; page: PageOptions; phone: boolean }[] = [
  { label: 'desktop, light', page: { width: 1280, height: 860, colorScheme: 'light' }, phone: false },
  { label: 'desktop, dark', page: { width: 1280, height: 860, colorScheme: 'dark' }, phone: false },
  { label: 'phone, light', page: { width: 390, height: 844, colorScheme: 'light', touch: true }, phone: true },
  { label: 'phone, dark', page: { width: 390, height: 844, colorScheme: 'dark', touch: true }, phone: true },
];

/**
 * axe-core on the screens that exist only with accounts (real server, password sign-in): the
 * share dialog, the account panel, the admin page, a conversation opened from a read-only link
 * and a link that does not work; light and dark, desktop and phone, no serious or critical
 * finding. On a phone, also no sideways scroll and no target under 44 px.
 * The mock-server audit (a11y-audit.test.ts) covers every other screen.
 */
describe('accessibility audit of the account screens (axe-core, real server)', { timeout: 240_000 }, () => {
  let talkbook: TestTalkbook;
  let browser: Browser;
  let fixture: Fixture;

  beforeAll(async () => {
    talkbook = await startTestTalkbook({ TALKBOOK_KERNEL_POOL: '0' });
    const ids: Record<string, string> = {};
    for (const [username, displayName, role] of [['ana', 'Ana', 'member'], ['ben', 'Ben', 'member'], ['cleo', 'Cleo', 'member'], ['root', 'Root', 'admin']] as const) {
      const created = await talkbook.api('/api/admin/users', { method: 'POST', body: JSON.stringify({ username, password: PASSWORD, role, displayName }) });
      expect(created.status).toBe(201);
      ids[username] = ((await created.json()) as { id: string }).id;
    }
    // Ana signs in once for an API token of her own (the account panel lists it).
    const signedIn = await talkbook.api('/api/auth/password', { auth: false, method: 'POST', body: JSON.stringify({ username: 'ana', password: PASSWORD }) });
    const cookie = signedIn.headers.getSetCookie().find((line) => line.startsWith('talkbook_session='))!.split(';')[0]!;
    const { csrfToken } = (await signedIn.json()) as { csrfToken: string };
    const made = await talkbook.api('/api/tokens', { auth: false, method: 'POST', body: JSON.stringify({ name: 'tests' }), headers: { Cookie: cookie, 'X-CSRF-Token': csrfToken, Origin: talkbook.url } });
    expect(made.status).toBe(201);
    const ana = { token: ((await made.json()) as { token: string }).token };

    // Her conversation: one cell run, shared with Ben as an editor, and a read-only link.
    const { as, conversationOf } = asUser(talkbook);
    const conversationId = await conversationOf(ana, 'Shared analysis');
    const socket = await TestSocket.open(`${talkbook.url.replace('http', 'ws')}/api/conversations/${conversationId}/ws?token=${ana.token}&after=0`);
    await socket.run('print("from " + "ana")', 120_000);
    await socket.close();
    expect((await as(ana, `/api/conversations/${conversationId}/shares/${ids.ben}`, { method: 'PUT', body: JSON.stringify({ role: 'editor' }) })).status).toBe(200);
    const link = await as(ana, `/api/conversations/${conversationId}/share-link`, { method: 'POST' });
    expect(link.status).toBe(201);
    fixture = { conversationId, linkUrl: ((await link.json()) as { url: string }).url };
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await talkbook?.close();
  });

  async function signIn(page: Page, username: string): Promise<void> {
    await page.goto(talkbook.url);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Account and API tokens' }).waitFor();
  }

  for (const screen of SCREENS) {
    for (const variant of VARIANTS) {
      it(`${screen.name} (${variant.label})`, async () => {
        const { page, context, errors } = await openPage(browser, variant.page);
        await signIn(page, screen.as);
        await screen.open(page, { url: talkbook.url, fixture });
        const name = `${screen.name} ${variant.label}`;
        expect(await audit(page, name)).toEqual([]);
        await screenshot(page, `a11y-${name.replace(/[^\w]+/g, '-')}`);
        if (variant.phone) {
          expect(await sidewaysOverflow(page)).toEqual({ page: 0, conversation: 0 });
          expect(await smallTargets(page)).toEqual([]);
        }
        expect(errors).toEqual([]);
        await context.close();
      });
    }
  }
});
