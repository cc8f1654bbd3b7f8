import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { BenchSocket } from './bench-socket.ts';
import { skipped, verdict, type BenchResult } from './result.ts';
import type { ServerProcess } from '../test/helpers/server-process.ts';
import { median, round } from './stats.ts';

const dist = join(import.meta.dirname, '..', 'client', 'dist');

/** The source of cell `i` of the big conversation: mostly printed lines, some tables and plots. */
function cellSource(i: number): string {
  if (i === 0) return 'import pandas as pd\nimport matplotlib.pyplot as plt\nimport numpy as np';
  if (i % 100 === 50) return `plt.figure(figsize=(5, 3))\nplt.plot(np.sin(np.linspace(0, ${i % 7 + 1}, 200)))\nplt.show()`;
  if (i % 25 === 0) return `pd.DataFrame({'n': range(${i}, ${i + 8}), 'square': [k * k for k in range(${i}, ${i + 8})]})`;
  return `values = [k * ${i} for k in range(5)]\nprint(f"step ${i}:", values)\nprint("sum", sum(values))`;
}

/** Build a conversation of `cells` code cells by running them, as a long session would. */
async function buildConversation(server: ServerProcess, cells: number): Promise<{ id: string; lastCellId: string; buildS: number }> {
  const began = performance.now();
  const { id } = (await (await server.api('/api/conversations', { method: 'POST', body: JSON.stringify({ title: `${cells} cells` }) })).json()) as { id: string };
  const socket = await BenchSocket.open(server, id);
  try {
    for (let i = 0; i < cells; i++) {
      const turn = await socket.run(cellSource(i));
      if (turn.cellStatus !== 'ok') throw new Error(`cell ${i} of the big conversation ended ${turn.cellStatus}`);
    }
  } finally {
    await socket.close();
  }
  const detail = (await (await server.api(`/api/conversations/${id}`)).json()) as { cells: Array<{ id: string }> };
  return { id, lastCellId: detail.cells.at(-1)!.id, buildS: (performance.now() - began) / 1000 };
}

async function exportTimes(server: ServerProcess, id: string, samples: number): Promise<{ ms: number[]; bytes: number }> {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i <= samples; i++) {
    const began = performance.now();
    const response = await server.api(`/api/conversations/${id}/notebook`);
    if (response.status !== 200) throw new Error(`the export answered ${response.status}`);
    bytes = (await response.arrayBuffer()).byteLength;
    if (i > 0) ms.push(performance.now() - began);
  }
  return { ms, bytes };
}

/** Open the conversation in Chromium: ms from navigation until its last cell is laid out and painted. */
async function openTimes(server: ServerProcess, id: string, lastCellId: string, samples: number): Promise<number[]> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/?token=${server.token}`);
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      await page.goto('about:blank');
      const began = performance.now();
      await page.goto(`${server.url}/c/${id}`);
      await page.locator(`[data-cell-id="${lastCellId}"]`).waitFor({ state: 'visible', timeout: 60_000 });
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      times.push(performance.now() - began);
    }
    return times;
  } finally {
    await browser.close();
  }
}

/**
 * Issue 7 §5: a conversation of 1,000 code cells (printed lines, a table every 25 cells, a plot
 * every 100), built by running them. Exporting it as .ipynb (`GET /api/conversations/:id/notebook`,
 * to the last byte), and opening it in Chromium until the last cell is rendered.
 */
export async function bigConversation(server: ServerProcess, options: { cells?: number } = {}): Promise<BenchResult[]> {
  const cells = options.cells ?? 1000;
  const built = await buildConversation(server, cells);
  const results: BenchResult[] = [];
  const exported = await exportTimes(server, built.id, 5);
  const exportMs = median(exported.ms);
  results.push({
    name: `export of ${cells} cells (.ipynb)`,
    figure: `median ${round(exportMs)} ms`,
    baseline: '—',
    target: '≤ 200 ms',
    verdict: verdict(exportMs <= 200),
    notes: `${round(exported.bytes / 1e6, 2)} MB to the last byte, 5 requests after a first; built by running the cells in ${round(built.buildS)} s`,
  });
  const name = `open ${cells} cells in Chromium`;
  if (!existsSync(join(dist, 'index.html'))) {
    results.push(skipped(name, '≤ 2 s', 'client/dist is not built (npm run build)'));
    return results;
  }
  const opened = await openTimes(server, built.id, built.lastCellId, 3);
  results.push({
    name,
    figure: `median ${round(median(opened))} ms`,
    baseline: '—',
    target: '≤ 2 s',
    verdict: verdict(median(opened) <= 2000),
    notes: `navigation to the last cell visible and painted; first (cold cache) ${round(opened[0]!)} ms; headless Debian Chromium, 1280×900`,
  });
  return results;
}
