import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import { join } from 'node:path';
import { launchChromium, openPage, RESULTS_DIR, screenshot, waitForFrames } from './support/browser.ts';

const WAVES = [
  'import numpy as np',
  'import matplotlib.pyplot as plt',
  't = np.linspace(0, 2 * np.pi, 100)',
  "plt.plot(t, np.sin(t), label='sin')",
  "plt.plot(t, np.cos(t), label='cos')",
  "plt.title('Waves')",
  "plt.xlabel('Time (s)')",
  "plt.ylabel('Amplitude (Hz)')",
  'plt.legend()',
  'plt.show()',
].join('\n');

const GALLERY = [
  'import numpy as np, matplotlib.pyplot as plt',
  'rng = np.random.default_rng(1)',
  'fig, axes = plt.subplots(2, 2, figsize=(9, 6))',
  "axes[0, 0].bar(['apples', 'pears', 'plums'], [3, 5, 2], label='2024', color='#4c72b0')",
  "axes[0, 0].set_title('Fruit sold'); axes[0, 0].set_ylabel('Weight [kg]')",
  "axes[0, 1].pie([30, 50, 20], labels=['rent', 'food', 'fun']); axes[0, 1].set_title('Budget')",
  "axes[1, 0].boxplot([rng.normal(0, 1, 200), rng.normal(1, 2, 200)], labels=['control', 'treated']); axes[1, 0].set_title('Response')",
  "axes[1, 1].hist(rng.normal(0, 1, 1000), bins=20); axes[1, 1].set_title('Noise'); axes[1, 1].set_xlabel('Value (mV)')",
  "fig.suptitle('Gallery')",
  'fig.tight_layout()',
  'plt.show()',
  "plt.scatter([1, 2, 3, 4, 5], [3, 30, 300, 3000, 30000], label='growth'); plt.yscale('log'); plt.title('Log scale'); plt.legend(); plt.show()",
].join('\n');

const TABLES = [
  'import pandas as pd, numpy as np',
  "cities = pd.DataFrame({'city': ['Lisbon', 'Porto', 'Faro', 'Braga'], 'people': [545923, 231800, 67650, 193333], 'coastal': [True, True, True, False]})",
  'display(cities)',
  "pd.DataFrame({'n': np.arange(5000), 'square': np.arange(5000) ** 2, 'label': [f'row {i}' for i in range(5000)]})",
].join('\n');

const LIBRARIES = [
  'from IPython.display import display',
  "display({'application/vnd.plotly.v1+json': {'data': [{'type': 'bar', 'x': ['a', 'b', 'c'], 'y': [4, 1, 3]}], 'layout': {'title': {'text': 'Plotly bars'}}}, 'text/plain': 'plotly'}, raw=True)",
  "display({'application/vnd.vegalite.v5+json': {'$schema': 'https://vega.github.io/schema/vega-lite/v5.json', 'title': 'Vega-Lite bars', 'data': {'values': [{'k': 'a', 'v': 4}, {'k': 'b', 'v': 1}]}, 'mark': 'bar', 'encoding': {'x': {'field': 'k', 'type': 'nominal'}, 'y': {'field': 'v', 'type': 'quantitative'}}}, 'text/plain': 'vega'}, raw=True)",
].join('\n');

/**
 * Interactive charts and tables from plain matplotlib and pandas, in Debian's Chromium against
 * the real server and kernels: hover a point, toggle a series, switch to the PNG, sort a table.
 */
describe('interactive charts and tables in a browser', { timeout: 180_000 }, () => {
  let talkbook: TestTalkbook;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    talkbook = await startTestTalkbook();
    browser = await launchChromium();
    ({ context, page, errors } = await openPage(browser, { width: 1280, height: 900 }));
    await page.goto(`${talkbook.url}/?token=${encodeURIComponent(talkbook.token)}`);
    await page.getByRole('button', { name: 'New conversation', exact: true }).click();
    await page.waitForURL(/\/c\/[0-9a-f]{32,}$/);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await talkbook?.close();
  });

  const box = () => page.getByRole('textbox', { name: 'Message' });
  async function run(code: string, marker: string): Promise<Locator> {
    await box().fill(code);
    await box().press('Control+Enter');
    const cell = page.locator('.code-cell', { hasText: marker }).last();
    await expect.poll(() => cell.locator('.cell-status').textContent(), { timeout: 90_000 }).toContain('Done');
    return cell;
  }

  /** Hovers `fraction` of the way across the plot area and returns the tooltip's text. */
  async function hover(chart: Locator, fraction: number): Promise<string> {
    const canvas = chart.locator('.chart-canvas canvas').first();
    const tooltip = chart.locator('.chart-tooltip');
    // Measured and moved again until the tooltip shows: the page can still move under the
    // mouse (a cell's checkpoint footer arrives after its Done), and a hover then misses.
    await expect
      .poll(async () => {
        const area = (await canvas.boundingBox())!;
        const y = area.y + area.height * 0.45;
        await page.mouse.move(area.x + area.width * fraction - 3, y);
        await page.mouse.move(area.x + area.width * fraction, y, { steps: 2 });
        return (await tooltip.isVisible()) ? await tooltip.textContent() : '';
      }, { timeout: 30_000 })
      .toMatch(/Time = /);
    return (await tooltip.innerText()).replace(/\u00a0/g, ' ');
  }

  it('draws a line chart with tooltips that give the values under the mouse', async () => {
    const cell = await run(WAVES, "label='sin'");
    const chart = cell.locator('.chart-output');
    await chart.locator('.chart-canvas canvas').first().waitFor();
    await expect.poll(() => chart.locator('.chart-title').textContent()).toBe('Waves');
    const text = await hover(chart, 0.4);
    await screenshot(page, 'charts-01-line-tooltip');
    const x = Number(/Time = ([-\d.]+) s/.exec(text)?.[1]);
    const sin = Number(/sin\s*([-\d.]+) Hz/.exec(text)?.[1]);
    const cos = Number(/cos\s*([-\d.]+) Hz/.exec(text)?.[1]);
    expect(x).toBeGreaterThan(1);
    expect(x).toBeLessThan(5);
    expect(sin).toBeCloseTo(Math.sin(x), 4);
    expect(cos).toBeCloseTo(Math.cos(x), 4);
  });

  it('toggles a series off from the legend', async () => {
    const chart = page.locator('.chart-output').first();
    const cos = chart.getByRole('button', { name: 'cos' });
    await cos.click();
    await expect.poll(() => cos.getAttribute('aria-pressed')).toBe('false');
    await page.mouse.move(0, 0);
    const text = await hover(chart, 0.6);
    expect(text).toMatch(/sin/);
    expect(text).not.toMatch(/cos/);
    await screenshot(page, 'charts-02-series-hidden');
    await cos.click();
    await expect.poll(() => cos.getAttribute('aria-pressed')).toBe('true');
  });

  it('zooms with Ctrl+wheel and resets', async () => {
    const chart = page.locator('.chart-output').first();
    const canvas = chart.locator('.chart-canvas canvas').first();
    const area = (await canvas.boundingBox())!;
    await page.mouse.move(area.x + area.width * 0.5, area.y + area.height * 0.4);
    await page.keyboard.down('Control');
    for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -200);
    await page.keyboard.up('Control');
    await page.waitForTimeout(200);
    await screenshot(page, 'charts-03-zoomed');
    const zoomedFirst = await hover(chart, 0.08);
    await chart.getByRole('button', { name: 'Reset zoom' }).click();
    await page.mouse.move(0, 0);
    const resetFirst = await hover(chart, 0.08);
    const xOf = (text: string) => Number(/Time = ([-\d.]+) s/.exec(text)?.[1]);
    expect(xOf(zoomedFirst)).toBeGreaterThan(xOf(resetFirst));
  });

  it('switches a chart to its exact PNG and back', async () => {
    const chart = page.locator('.chart-output').first();
    await chart.getByRole('button', { name: 'Image' }).click();
    const image = chart.locator('img.output-image');
    await image.waitFor();
    expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100);
    expect(await chart.locator('canvas').count()).toBe(0);
    await screenshot(page, 'charts-04-png');
    await chart.getByRole('button', { name: 'Interactive' }).click();
    await chart.locator('.chart-canvas canvas').first().waitFor();
  });

  it('draws bars, pies, box plots, histograms and log scales', async () => {
    const cell = await run(GALLERY, "fig.suptitle('Gallery')");
    const charts = cell.locator('.chart-output');
    await expect.poll(() => charts.count()).toBe(2);
    await expect.poll(() => cell.locator('.chart-canvas canvas').count()).toBe(5);
    await expect.poll(() => charts.first().locator('.chart-suptitle').textContent()).toBe('Gallery');
    await charts.first().screenshot({ path: join(RESULTS_DIR, 'charts-05-gallery.png') });
    await charts.nth(1).screenshot({ path: join(RESULTS_DIR, 'charts-06-log.png') });
  });

  it('shows DataFrames as sortable, filterable tables that stay small in the DOM', async () => {
    const cell = await run(TABLES, 'cities = pd.DataFrame');
    const [small, big] = [cell.locator('.table-output').first(), cell.locator('.table-output').nth(1)];
    await small.waitFor();
    const firstCity = () => small.locator('tbody tr:not(.table-spacer) td').first().textContent();
    expect(await firstCity()).toBe('Lisbon');
    const people = small.getByRole('button', { name: /people/ });
    await people.click();
    await expect.poll(() => small.locator('th[aria-sort="ascending"]').count()).toBe(1);
    expect(await firstCity()).toBe('Faro');
    await people.click();
    expect(await firstCity()).toBe('Lisbon');
    await small.getByRole('searchbox', { name: 'Filter rows' }).fill('bra');
    await expect.poll(() => small.locator('tbody tr:not(.table-spacer)').count()).toBe(1);
    expect(await firstCity()).toBe('Braga');
    await screenshot(page, 'charts-07-table-sorted');

    await big.scrollIntoViewIfNeeded();
    await expect.poll(() => big.locator('.table-note').textContent()).toContain('4,000 more rows are not shown');
    expect(await big.locator('.table-count').textContent()).toContain('5,000 rows');
    expect(await big.locator('tbody tr').count()).toBeLessThan(60);
    await big.getByRole('button', { name: /square/ }).click();
    await big.getByRole('button', { name: /square/ }).click();
    expect(await big.locator('tbody tr:not(.table-spacer) td').first().textContent()).toBe('999');
    await big.locator('.table-scroll').evaluate((element) => {
      element.scrollTop = element.scrollHeight;
    });
    await expect.poll(() => big.locator('tbody tr:not(.table-spacer) td').last().textContent()).toBe('row 0');
    await screenshot(page, 'charts-08-big-table');
  });

  it('follows the dark colour scheme', async () => {
    const dark = await openPage(browser, { width: 1100, height: 800, colorScheme: 'dark' });
    try {
      await dark.page.goto(`${talkbook.url}/?token=${encodeURIComponent(talkbook.token)}`);
      await dark.page.goto(page.url());
      const chart = dark.page.locator('.chart-output').first();
      await chart.locator('.chart-canvas canvas').first().waitFor();
      await chart.scrollIntoViewIfNeeded();
      await chart.screenshot({ path: join(RESULTS_DIR, 'charts-10-dark.png') });
      expect(dark.errors).toEqual([]);
    } finally {
      await dark.context.close();
    }
  });

  it('renders Plotly and Vega-Lite outputs with their own libraries, in the sandboxed frame', async () => {
    const cell = await run(LIBRARIES, 'vnd.plotly.v1+json');
    const frames = cell.locator('iframe.output-frame');
    await expect.poll(() => frames.count()).toBe(2);
    for (const title of ['Plotly chart', 'Vega-Lite chart']) {
      expect(await cell.locator(`iframe[title^="${title}"]`).getAttribute('sandbox')).toBe('allow-scripts');
    }
    const plotly = page.frameLocator('.code-cell iframe[title^="Plotly chart"]').last();
    await plotly.locator('.main-svg').first().waitFor({ timeout: 30_000 });
    expect(await plotly.locator('.gtitle').textContent()).toBe('Plotly bars');
    const vega = page.frameLocator('.code-cell iframe[title^="Vega-Lite chart"]').last();
    await vega.locator('#vis canvas, #vis svg').first().waitFor({ timeout: 30_000 });
    expect(await vega.locator('.library-error').count()).toBe(0);
    await waitForFrames(page);
    await cell.scrollIntoViewIfNeeded();
    await screenshot(page, 'charts-09-libraries');
    expect(errors).toEqual([]);
  });
});
