/**
 * Client benchmark (not a timed test): the first load's JavaScript, gzipped, and how a 500-cell
 * conversation with 50 plots opens and scrolls in Debian's Chromium, against the mock server.
 *
 *   npm run build && npx tsx test/e2e/support/client-benchmark.ts
 *
 * Prints one JSON object; `runClientBenchmark()` returns it for a bench runner.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Cell, Output } from '../../../server/protocol/index.ts';
import { launchChromium, openPage } from './browser.ts';
import { startMockTalkbook } from './mock-talkbook.ts';
import { sinePlotPng } from './tiny-png.ts';

const DIST = join(import.meta.dirname, '..', '..', '..', 'client', 'dist');

/** Gzipped size of the scripts index.html loads up front (entry + modulepreloads). */
export async function firstLoadJsGzipBytes(): Promise<number> {
  const html = await readFile(join(DIST, 'index.html'), 'utf8');
  const paths = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((match) => match[1]!);
  let total = 0;
  for (const path of new Set(paths)) total += gzipSync(await readFile(join(DIST, path))).length;
  return total;
}

function bigConversation(cellCount: number, plots: number): Cell[] {
  const png = sinePlotPng(640, 400);
  const at = new Date().toISOString();
  return Array.from({ length: cellCount }, (_, index): Cell => {
    if (index % 5 === 0) return { id: `c${index}`, kind: 'user', createdAt: at, text: `Question ${index}: what does column ${index} look like?` };
    if (index % 5 === 1) return { id: `c${index}`, kind: 'assistant', createdAt: at, text: `Here is **step ${index}**, with $x_${index}^2$ and a list:\n\n- one\n- two` };
    const outputs: Output[] = [{ output_type: 'stream', name: 'stdout', text: Array.from({ length: 8 }, (_, line) => `row ${line}: ${index * line}`).join('\n') + '\n' }];
    if (index % Math.floor(cellCount / plots) === 2) {
      outputs.push({ output_type: 'display_data', data: { 'image/png': png, 'text/plain': '<Figure>' }, metadata: {} });
    }
    return { id: `c${index}`, kind: 'code', createdAt: at, source: `import numpy as np\nvalues = np.arange(${index})\nprint(values[:8])`, author: index % 2 ? 'user' : 'assistant', status: 'ok', executionCount: index, outputs, startedAt: at, endedAt: at };
  });
}

export async function runClientBenchmark(cellCount = 500, plots = 50) {
  const server = await startMockTalkbook();
  const cells = bigConversation(cellCount, plots);
  const id = server.seed('Benchmark', cells);
  const browser = await launchChromium();
  try {
    const { page } = await openPage(browser, { width: 1280, height: 900 });
    await page.goto(`${server.url}/?token=${server.token}`);
    const started = Date.now();
    await page.goto(`${server.url}/c/${id}`);
    await page.locator(`[data-cell-id="c${cellCount - 1}"]`).waitFor();
    const openMs = Date.now() - started;
    // Scroll from bottom to top in steps, recording frame times.
    const frames = await page.evaluate(async () => {
      const scroller = document.querySelector('.notebook-scroller');
      if (!scroller) return [];
      const times: number[] = [];
      let last = performance.now();
      for (let top = scroller.scrollHeight; top > 0; top -= 400) {
        scroller.scrollTop = top;
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const now = performance.now();
        times.push(now - last);
        last = now;
      }
      return times;
    });
    frames.sort((a, b) => a - b);
    const percentile = (p: number) => Math.round(frames[Math.min(frames.length - 1, Math.floor(frames.length * p))] ?? 0);
    return {
      firstLoadJsGzipKb: Math.round((await firstLoadJsGzipBytes()) / 102.4) / 10,
      cells: cellCount,
      plots,
      openMs,
      scrollFrames: frames.length,
      scrollFrameMsP50: percentile(0.5),
      scrollFrameMsP95: percentile(0.95),
      scrollFrameMsMax: Math.round(frames[frames.length - 1] ?? 0),
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  console.log(JSON.stringify(await runClientBenchmark(), null, 2));
}
