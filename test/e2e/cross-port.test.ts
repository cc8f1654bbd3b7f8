import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTestTalkbook } from '../helpers/talkbook.ts';
import { browserSession } from './support/browser-session.ts';
import { screenshot } from './support/browser.ts';

/**
 * Another program listening on another port of 127.0.0.1 (anything: a dev server, a page a cell
 * started). Cookies ignore ports, and SameSite=Strict counts another port as the same site, so
 * the browser sends Talkbook's cookie there and lets that port's pages post to Talkbook.
 */
describe('another port on the same host', { timeout: 180_000 }, () => {
  const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  let other: Server;
  let otherUrl = '';
  let talkbookUrl = '';

  /** The other port's page: a text/plain form, a no-cors "JSON" fetch and a no-cors multipart import, all at Talkbook. */
  const attackPage = () => `<!doctype html><html><body>
    <iframe name="sink" style="display:none"></iframe>
    <form id="form" action="${talkbookUrl}/api/conversations" method="post" enctype="text/plain" target="sink">
      <input name='{"title":"csrf-form","x":"' value='"}'>
    </form>
    <p id="status">working</p>
    <script>
      document.getElementById('form').submit();
      var notebook = JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { title: 'csrf-import' }, cells: [] });
      var data = new FormData();
      data.append('file', new Blob([notebook], { type: 'application/x-ipynb+json' }), 'csrf-import.ipynb');
      Promise.allSettled([
        fetch('${talkbookUrl}/api/conversations', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ title: 'csrf-fetch' }) }),
        fetch('${talkbookUrl}/api/conversations/import', { method: 'POST', mode: 'no-cors', credentials: 'include', body: data }),
        fetch('${talkbookUrl}/api/conversations/0123456789abcdef0123456789abcdef', { method: 'POST', mode: 'no-cors', credentials: 'include' }),
      ]).then(function () { setTimeout(function () { document.getElementById('status').textContent = 'done'; }, 1500); });
    </script>
  </body></html>`;

  const session = browserSession({
    start: async () => {
      other = createServer((req, res) => {
        seen.push({ url: req.url ?? '', headers: req.headers });
        res.writeHead(200, { 'Content-Type': 'text/html' }).end(req.url === '/attack' ? attackPage() : '<!doctype html><p>another program</p>');
      });
      await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
      otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
      const talkbook = await startTestTalkbook();
      talkbookUrl = talkbook.url;
      return talkbook;
    },
    stop: async () => {
      other?.close();
    },
  });

  const titles = async () => (await session.talkbook.list()).map((c) => c.title);
  /** Everything the other port received: URLs and every header (cookies included). */
  const received = () => JSON.stringify(seen);

  it('never receives the token: not on a visit, not from a link a cell printed', async () => {
    const { talkbook, page, context } = session;
    await page.goto(`${talkbook.url}/?token=${encodeURIComponent(talkbook.token)}`);
    await page.getByRole('button', { name: 'New conversation', exact: true }).waitFor();
    expect((await context.cookies()).some((cookie) => cookie.value.includes(talkbook.token))).toBe(false);

    await page.goto(`${otherUrl}/visit`);
    await page.getByText('another program').waitFor();
    const visit = seen.find((request) => request.url === '/visit');
    expect(visit).toBeDefined();

    const { id } = await talkbook.createConversation({ title: 'Links' });
    await page.goto(`${talkbook.url}/c/${id}`);
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill(`from IPython.display import Markdown, display\ndisplay(Markdown('[a link](${otherUrl}/from-markdown)'))`);
    await box.press('Control+Enter');
    const link = page.getByRole('link', { name: 'a link' });
    await link.waitFor({ timeout: 60_000 });
    const [opened] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await opened.getByText('another program').waitFor();
    await opened.close();
    expect(seen.some((request) => request.url === '/from-markdown')).toBe(true);

    // The browser does send the session cookie there (plain HTTP: the README says what that leaves open).
    expect(received()).not.toContain(talkbook.token);
    expect(received()).not.toContain(encodeURIComponent(talkbook.token));
    expect(received()).not.toContain('talkbook_token');
  });

  it("refuses that port's forms and no-cors requests: nothing is created or imported", async () => {
    const { talkbook, page } = session;
    await page.goto(`${talkbook.url}/?token=${encodeURIComponent(talkbook.token)}`);
    const before = await titles();
    await page.goto(`${otherUrl}/attack`);
    await page.locator('#status', { hasText: 'done' }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'cross-port-attack');
    const after = await titles();
    expect(after.filter((title) => title.startsWith('csrf-'))).toEqual([]);
    expect(after.length).toBe(before.length);
  });

  it('still works from its own page: a new conversation, an upload, a JSON post', async () => {
    const { talkbook, page } = session;
    await page.goto(`${talkbook.url}/`);
    await page.getByRole('button', { name: 'New conversation', exact: true }).click();
    await page.waitForURL(/\/c\/[0-9a-f]{32,}$/);
    const id = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByRole('button', { name: 'Files', exact: true }).click();
    await page.locator('.prompt-box input[type=file]').setInputFiles([{ name: 'own.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n1,2\n') }]);
    await page.getByRole('complementary', { name: 'Files' }).getByText('own.csv').waitFor();
    const files = (await (await talkbook.api(`/api/conversations/${id}/files`)).json()) as Array<{ name: string }>;
    expect(files.map((file) => file.name)).toContain('own.csv');
    const status = await page.evaluate(async () => {
      // As the page's own API client does: the CSRF token from its cookie, in a header.
      const csrf = decodeURIComponent(/(?:^|; )talkbook_csrf=([^;]*)/.exec(document.cookie)?.[1] ?? '');
      const headers = { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf };
      const response = await fetch('/api/conversations', { method: 'POST', headers, body: JSON.stringify({ title: 'from the page' }) });
      return response.status;
    });
    expect(status).toBe(201);
    expect(await titles()).toContain('from the page');
  });
});
