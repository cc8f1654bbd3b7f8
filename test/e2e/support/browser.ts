import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const RESULTS_DIR = join(import.meta.dirname, '..', '..', '..', 'test-results');

/** Debian's Chromium, headless, quiet (no background traffic). Never a downloaded browser. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface PageOptions {
  width?: number;
  height?: number;
  colorScheme?: 'light' | 'dark';
  /** A phone or tablet: touch events, `pointer: coarse`, no hover. */
  touch?: boolean;
  reducedMotion?: 'reduce' | 'no-preference';
}

/** A fresh context (its own cookies) and page; page errors are collected for assertions. */
export async function openPage(browser: Browser, options: PageOptions = {}): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 860 },
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: options.reducedMotion ?? 'no-preference',
    hasTouch: options.touch ?? false,
    isMobile: options.touch ?? false,
    acceptDownloads: true,
  });
  // Fail a stuck step with the locator's name well before the test's own timeout.
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { context, page, errors };
}

/** Saves `test-results/<name>.png`. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  // Let scrolled-in cells (content-visibility) and their frames paint first.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.waitForTimeout(250);
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** Waits until every sandboxed output frame has reported its height (no frame stuck at the default). */
export async function waitForFrames(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    [...document.querySelectorAll<HTMLIFrameElement>('iframe.output-frame')].every((frame) => frame.getBoundingClientRect().height !== 32),
  );
}
