import { describe, expect, it } from 'vitest';
import { startPlainJupyter, type PlainJupyter } from '../helpers/plain-jupyter.ts';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import { browserSession } from './support/browser-session.ts';
import { screenshot } from './support/browser.ts';

// Two Talkbook servers on one PostgreSQL and one Jupyter Server: a tab on server A follows the
// conversation list through GET /api/conversations/events, so what is made, renamed or deleted
// on server B shows up in its sidebar without a reload (much sooner than the list's polling).

let postgres: TestPostgres | undefined;
let jupyter: PlainJupyter | undefined;
let serverB: TestTalkbook | undefined;

/** Well below the list's fallback polling (15 s, 60 s while the stream is live): only the push is this quick. */
const PUSHED_WITHIN_MS = 5000;

describe('the sidebar of a tab on server A', { timeout: 240_000 }, () => {
  const session = browserSession({
    start: async () => {
      [postgres, jupyter] = await Promise.all([startTestPostgres(), startPlainJupyter()]);
      const env = { DATABASE_URL: await postgres.database(), JUPYTER_URL: jupyter.url, JUPYTER_TOKEN: jupyter.token, TALKBOOK_KERNEL_POOL: '0' };
      const serverA = await startTestTalkbook(env);
      serverB = await startTestTalkbook(env);
      return serverA;
    },
    stop: async () => {
      await serverB?.close();
      await jupyter?.close();
      await postgres?.close();
    },
  });

  it('shows a conversation created on server B, its new title and its deletion, without a reload', async () => {
    const { talkbook: serverA, page } = session;
    const { id: first } = await serverA.createConversation({ title: 'Made on server A' });
    const streaming = page.waitForResponse((response) => response.url().endsWith('/api/conversations/events') && response.status() === 200);
    await page.goto(`${serverA.url}/?token=${encodeURIComponent(serverA.token)}`);
    const sidebar = page.locator('nav[aria-label="Conversations"]');
    const entry = (id: string) => sidebar.locator(`.conversation-item a[href="/c/${id}"]`);
    await entry(first).waitFor({ timeout: 30_000 });
    await streaming;
    const reloads: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) reloads.push(frame.url());
    });

    const { id } = await serverB!.createConversation({ title: 'Made on server B' });
    await entry(id).waitFor({ timeout: PUSHED_WITHIN_MS });
    expect(await entry(id).locator('.conversation-title').innerText()).toBe('Made on server B');
    await screenshot(page, 'live-list-created-elsewhere');

    const renamed = await serverB!.api(`/api/conversations/${id}`, { method: 'PATCH', body: JSON.stringify({ title: 'Renamed on server B' }) });
    expect(renamed.status).toBe(200);
    await expect.poll(() => entry(id).locator('.conversation-title').innerText(), { timeout: PUSHED_WITHIN_MS, interval: 100 }).toBe('Renamed on server B');

    const deleted = await serverB!.api(`/api/conversations/${id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    await entry(id).waitFor({ state: 'detached', timeout: PUSHED_WITHIN_MS });
    expect(await entry(first).count()).toBe(1);
    expect(reloads).toEqual([]);
  });
});
