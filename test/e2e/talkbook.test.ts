import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import { startFakeOpenAI, type FakeOpenAI, type RecordedRequest } from '../fakes/openai-server.ts';
import { launchChromium, openPage, screenshot, waitForFrames } from './support/browser.ts';

const PLOT_CODE = [
  'import numpy as np',
  'import matplotlib.pyplot as plt',
  'x = np.linspace(0, 10, 200)',
  'plt.plot(x, np.sin(x))',
  'plt.title("sin(x)")',
  'plt.show()',
  'print("points:", len(x))',
].join('\n');

/** The fake model: first a tool call that plots, then (after the tool result) a short answer. */
function modelReply(request: RecordedRequest) {
  const last = request.body.messages[request.body.messages.length - 1];
  if (last?.role === 'tool') return { text: 'Here is **sin(x)** on $[0, 10]$: one and a half periods.', chunkSize: 3, delayMs: 5 };
  return { text: 'I will plot it.\n\n', toolCall: { code: PLOT_CODE } };
}

/**
 * The whole product in a browser: the real server, embedded Jupyter and real kernels, the fake
 * model, Debian's Chromium. One conversation walks through the "Done when" in order.
 */
describe('Talkbook in a browser (real server, real kernels)', { timeout: 180_000 }, () => {
  let fake: FakeOpenAI;
  let talkbook: TestTalkbook;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let conversationId = '';
  let exportedNotebook = '';

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    fake.script(Array.from({ length: 8 }, () => modelReply));
    talkbook = await startTestTalkbook({
      OPENAI_BASE_URL: fake.url,
      OPENAI_API_KEY: 'test',
      TALKBOOK_MODEL: 'gpt-test',
      ...(process.env.TALKBOOK_SANDBOX ? { TALKBOOK_SANDBOX: process.env.TALKBOOK_SANDBOX } : {}),
    });
    browser = await launchChromium();
    ({ context, page } = await openPage(browser, { width: 1280, height: 900 }));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await talkbook?.close();
    await fake?.close();
  });

  const box = () => page.getByRole('textbox', { name: 'Message' });
  const runCode = async (code: string) => {
    await box().fill(code);
    await box().press('Control+Enter');
  };

  it('logs in with the printed link: a session cookie (never the token) and the token leaves the address bar', async () => {
    await page.goto(`${talkbook.url}/?token=${encodeURIComponent(talkbook.token)}`);
    expect(page.url()).toBe(`${talkbook.url}/`);
    const cookies = await context.cookies();
    // The session (HttpOnly), and the CSRF token the page reads to send as X-CSRF-Token.
    expect(cookies.map((cookie) => [cookie.name, cookie.httpOnly, cookie.sameSite]).sort()).toEqual([
      ['talkbook_csrf', false, 'Strict'],
      ['talkbook_session', true, 'Strict'],
    ]);
    expect(cookies.some((cookie) => cookie.value.includes(talkbook.token))).toBe(false);
    await page.getByRole('button', { name: 'New conversation', exact: true }).waitFor();
    await screenshot(page, 'e2e-01-home');
  });

  it('creates a conversation with its own address', async () => {
    await page.getByRole('button', { name: 'New conversation', exact: true }).click();
    await page.waitForURL(/\/c\/[0-9a-f]{32,}$/);
    conversationId = new URL(page.url()).pathname.split('/').pop()!;
    await page.locator('.conversation-item.active').waitFor();
  });

  it('asks the assistant and watches its code cell, output and plot appear', async () => {
    await box().fill('Plot a sine wave');
    await box().press('Enter');
    await page.locator('.user-bubble', { hasText: 'Plot a sine wave' }).waitFor();
    const cell = page.locator('.code-cell.author-assistant').first();
    await cell.waitFor({ timeout: 60_000 });
    // The figure shows as an interactive chart (issue 10), with a switch to its PNG.
    await cell.locator('.chart-output .chart-canvas canvas').first().waitFor({ timeout: 90_000 });
    await cell.getByText('points: 200').waitFor();
    await page.locator('.assistant-cell', { hasText: 'one and a half periods' }).waitFor({ timeout: 30_000 });
    await page.locator('.assistant-cell .katex').first().waitFor();
    await expect.poll(() => cell.locator('.execution-count').textContent()).toMatch(/\[\d+\]/);
    await cell.getByRole('button', { name: 'Image' }).click();
    const size = await cell.locator('img.output-image').evaluate((image: HTMLImageElement) => image.naturalWidth);
    expect(size).toBeGreaterThan(100);
    await screenshot(page, 'e2e-02-ask-plot');
  });

  it('runs code directly, in the same kernel', async () => {
    await runCode('y = len(x) * 2\nprint(y)');
    const cell = page.locator('.code-cell.author-user', { hasText: 'y = len(x) * 2' });
    await cell.locator('.stream-stdout', { hasText: '400' }).waitFor({ timeout: 60_000 });
    await expect.poll(() => cell.locator('.cell-status').textContent()).toContain('Done');

    await runCode('import pandas as pd\npd.DataFrame({"city": ["Lisbon", "Porto"], "people": [545923, 231800]})');
    // DataFrames show as interactive tables (issue 10), in the page: their cells are data, not HTML.
    const table = page.locator('.table-output').first();
    await expect.poll(() => table.locator('tbody td').first().textContent(), { timeout: 60_000 }).toBe('Lisbon');
    await waitForFrames(page);
    await screenshot(page, 'e2e-03-run-code');
  });

  it('interrupts a loop; the kernel keeps its state', async () => {
    await runCode('import time\nfor i in range(100000):\n    print("tick", i, flush=True)\n    time.sleep(0.1)');
    const cell = page.locator('.code-cell', { hasText: 'for i in range(100000)' });
    await cell.getByText('tick 3').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Stop', exact: true }).waitFor();
    await screenshot(page, 'e2e-04-running');
    await page.getByRole('button', { name: 'Interrupt' }).click();
    // A traceback, or on stderr when the signal lands inside ipykernel's own flush (it does, under load).
    await cell.locator('.output-area', { hasText: 'KeyboardInterrupt' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => cell.getAttribute('class')).toMatch(/status-(interrupted|error)/);

    await runCode('print(y + 1)');
    await page.locator('.code-cell', { hasText: 'print(y + 1)' }).locator('.stream-stdout', { hasText: '401' }).waitFor({ timeout: 60_000 });
    await screenshot(page, 'e2e-05-interrupted');
  });

  it('keeps a script in an HTML output away from the app window', async () => {
    const probe = [
      'from IPython.display import HTML',
      'HTML("""<pre id="result">probing</pre><script>',
      'const results = [];',
      'function attempt(name, action) { try { action(); results.push(name + ": reached"); } catch (error) { results.push(name + ": blocked"); } }',
      'attempt("parent.document", () => parent.document.body.innerHTML);',
      'attempt("top.document", () => top.document.title);',
      'attempt("parent.localStorage", () => parent.localStorage.length);',
      'attempt("top.location.href", () => top.location.href);',
      'attempt("document.cookie", () => { if (document.cookie === undefined) throw new Error(); document.cookie; });',
      'try { parent.document.title = "pwned"; } catch (error) {}',
      'document.getElementById("result").textContent = results.join("\\\\n");',
      '</script>""")',
    ].join('\n');
    const title = await page.title();
    await runCode(probe);
    const cell = page.locator('.code-cell', { hasText: 'probing' });
    const iframe = cell.locator('iframe.output-frame');
    await iframe.waitFor({ timeout: 60_000 });
    expect(await iframe.getAttribute('sandbox')).toBe('allow-scripts');
    const result = page.frameLocator('.code-cell:has-text("probing") iframe.output-frame').locator('#result');
    await expect.poll(() => result.textContent(), { timeout: 30_000 }).toContain('top.location.href');
    const text = (await result.textContent()) ?? '';
    expect(text).toContain('parent.document: blocked');
    expect(text).toContain('top.document: blocked');
    expect(text).toContain('parent.localStorage: blocked');
    expect(text).toContain('top.location.href: blocked');
    expect(text).toContain('document.cookie: blocked');
    expect(await page.title()).toBe(title);
    await screenshot(page, 'e2e-06-html-sandbox');
  });

  it('reloads and shows the same conversation', async () => {
    const count = await page.locator('.cell').count();
    await page.reload();
    expect(new URL(page.url()).pathname).toBe(`/c/${conversationId}`);
    await page.locator('.chart-output').first().waitFor();
    await expect.poll(() => page.locator('.cell').count()).toBe(count);
    await page.getByText('tick 3').first().waitFor();
    await page.locator('.stream-stdout', { hasText: '401' }).waitFor();
    await screenshot(page, 'e2e-07-reloaded');
  });

  it('exports the conversation as a notebook', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export notebook' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.ipynb$/);
    exportedNotebook = await readFile(await download.path(), 'utf8');
    const notebook: unknown = JSON.parse(exportedNotebook);
    expect(notebook).toMatchObject({ nbformat: 4 });
    const sources = JSON.stringify(notebook);
    expect(sources).toContain('y = len(x) * 2');
    expect(sources).toContain('image/png');
  });

  it('uploads a file the kernel can read', async () => {
    const csv = 'month,total\n' + Array.from({ length: 12 }, (_, month) => `m${month + 1},${(month + 1) * 10}`).join('\n') + '\n';
    await page.locator('.prompt-box input[type=file]').setInputFiles({ name: 'sales.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.locator('.toast', { hasText: 'Uploaded sales.csv' }).waitFor({ timeout: 60_000 });
    await runCode('import pandas as pd\nprint("sum", pd.read_csv("sales.csv").total.sum())');
    await page.locator('.stream-stdout', { hasText: 'sum 780' }).waitFor({ timeout: 60_000 });
    await screenshot(page, 'e2e-08-upload');
  });

  it('imports the exported notebook as a new conversation', async () => {
    expect(exportedNotebook).not.toBe('');
    await page.locator('.sidebar input[type=file]').setInputFiles({ name: 'exported.ipynb', mimeType: 'application/x-ipynb+json', buffer: Buffer.from(exportedNotebook) });
    await page.waitForURL((url) => url.pathname.startsWith('/c/') && !url.pathname.endsWith(conversationId), { timeout: 60_000 });
    await page.locator('.code-cell', { hasText: 'y = len(x) * 2' }).waitFor();
    await page.locator('.chart-output').first().waitFor();
    await screenshot(page, 'e2e-09-imported');
  });
});
