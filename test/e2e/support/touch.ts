import type { Page } from 'playwright-core';

/** A finger dragged across the screen (real touch events through the DevTools protocol; needs a `touch` page). */
export async function swipe(page: Page, from: { x: number; y: number }, to: { x: number; y: number }, steps = 10): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const at = (step: number) => [{ x: from.x + ((to.x - from.x) * step) / steps, y: from.y + ((to.y - from.y) * step) / steps }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(0) });
  for (let step = 1; step <= steps; step++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(step) });
  // The finger rests before lifting: a lift at speed starts a fling, and Chromium spends the next
  // tap on stopping that fling instead of clicking (a test's next tap would then do nothing).
  await new Promise((resolve) => setTimeout(resolve, 150));
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(steps) });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

/**
 * Every control a finger may hit that is smaller than `min` px either way, described. Left out:
 * links inside a line of text (WCAG's inline exception) and the focusable regions that scroll
 * (cells, code blocks), which are read, not tapped. A checkbox or radio counts as its label.
 */
export function smallTargets(page: Page, min = 44): Promise<string[]> {
  return page.evaluate((min) => {
    const found: string[] = [];
    const selector = 'button, a[href], input, select, textarea, summary, [role^="menuitem"], [tabindex="0"]';
    for (const element of document.querySelectorAll<HTMLElement>(selector)) {
      if (!element.checkVisibility({ visibilityProperty: true, opacityProperty: false })) continue;
      if (element.matches('article, pre, .output-latex, .katex-display, .markdown table, .table-scroll')) continue;
      if (element.matches('a') && element.closest('.markdown p, .markdown li, .markdown td, .sign-in-card p')) continue;
      if (element.closest('iframe')) continue;
      const target = element.matches('input[type="checkbox"], input[type="radio"]') ? (element.closest('label') ?? element) : element;
      const box = target.getBoundingClientRect();
      if (box.width + 0.5 < min || box.height + 0.5 < min) {
        const name = element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 30) ?? '';
        found.push(`${element.tagName.toLowerCase()}.${[...element.classList].join('.')} “${name}” ${Math.round(box.width)}×${Math.round(box.height)}`);
      }
    }
    return found;
  }, min);
}
