import { describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startTestTalkbook } from '../helpers/talkbook.ts';
import { browserSession } from './support/browser-session.ts';
import { screenshot } from './support/browser.ts';

let postgres: TestPostgres | undefined;

describe('when the database goes away under an open conversation', { timeout: 240_000 }, () => {
  const session = browserSession({
    start: async () => {
      postgres = await startTestPostgres();
      return startTestTalkbook({ DATABASE_URL: await postgres.database(), TALKBOOK_KERNEL_POOL: '0' });
    },
    stop: async () => {
      await postgres?.close();
    },
  });

  it('says changes are not being saved while PostgreSQL is down, and that they are again once it is back', async () => {
    const { talkbook, page } = session;
    const { id } = await talkbook.createConversation({ title: 'Storage outage' });
    await page.goto(`${talkbook.url}/?token=${encodeURIComponent(talkbook.token)}`);
    await page.goto(`${talkbook.url}/c/${id}`);
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('print("before the outage")');
    await box.press('Control+Enter');
    await page.locator('.stream-stdout', { hasText: 'before the outage' }).waitFor({ timeout: 90_000 });
    // The cell's end too (its Done and its checkpoint, sent once they are stored): a cell that
    // finishes during the outage keeps its Done, and everything after it, until it is stored.
    await page.locator('article.code-cell.status-ok .cell-checkpoint').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByRole('button', { name: 'Stop' }).count()).toBe(0);
    expect(await page.locator('.storage-banner').count()).toBe(0);

    await postgres!.stop();
    await box.fill('print("during the outage")');
    await box.press('Control+Enter');
    // The kernel still runs it; the page says, without blocking anything, that it is not stored.
    await page.locator('.stream-stdout', { hasText: 'during the outage' }).waitFor({ timeout: 60_000 });
    const alert = page.getByRole('alert').filter({ hasText: 'Changes are not being saved; retrying.' });
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.innerText()).toContain('could not be saved');
    await expect.poll(() => page.getByRole('textbox', { name: 'Message' }).isEditable()).toBe(true);
    await screenshot(page, 'storage-banner');

    await postgres!.start();
    await page.getByRole('status').filter({ hasText: 'Changes are being saved again.' }).waitFor({ timeout: 60_000 });
    expect(await page.getByRole('alert').filter({ hasText: 'Changes are not being saved' }).count()).toBe(0);
    await screenshot(page, 'storage-banner-recovered');
    // What ran during the outage reached the database: the search (which reads it) finds it.
    await expect.poll(async () => (await talkbook.list({ q: 'during outage' })).map((item) => item.id), { timeout: 20_000 }).toEqual([id]);
    await page.locator('.storage-banner').waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('shows the banner at once when a page opens a conversation that is failing to save', async () => {
    const { talkbook, page } = session;
    const { id } = await talkbook.createConversation({ title: 'Opened during an outage' });
    // Load it into the server (a socket), then take the database away and change it.
    const socket = await talkbook.connect(id);
    await postgres!.stop();
    try {
      const response = await talkbook.api(`/api/conversations/${id}`, { method: 'PATCH', body: JSON.stringify({ title: 'Renamed during the outage' }) });
      expect([200, 503]).toContain(response.status);
      await expect
        .poll(async () => ((await (await talkbook.api(`/api/conversations/${id}`)).json()) as { storageError?: string }).storageError, { timeout: 30_000 })
        .toBeTruthy();
      await page.goto(`${talkbook.url}/c/${id}`);
      await page.getByRole('alert').filter({ hasText: 'Changes are not being saved; retrying.' }).waitFor();
    } finally {
      await postgres!.start();
      await socket.close();
    }
    await page.getByRole('status').filter({ hasText: 'Changes are being saved again.' }).waitFor({ timeout: 60_000 });
  });
});
