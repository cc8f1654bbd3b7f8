import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { NodeResult, Result } from 'axe-core';
import type { Page } from 'playwright-core';
import { RESULTS_DIR } from './browser.ts';

/** Findings of these impacts fail an audit. */
export const FAILING_IMPACTS: readonly string[] = ['serious', 'critical'];

/**
 * axe-core (every rule it runs by default: WCAG 2.0–2.2 A/AA and best practices) on the page as
 * it is now, output frames included. Writes every finding to `test-results/axe/<name>.json` and
 * returns the serious and critical ones, one readable line per element.
 *
 * One exception, in dark mode only: axe assumes a white page behind an iframe, and the sandboxed
 * output frames are transparent over the dark cell, so their text is measured against the wrong
 * colour. There, contrast findings inside output frames are left out (their light-mode audit
 * and the screenshots cover them); every other rule still counts inside them.
 */
export async function audit(page: Page, name: string): Promise<string[]> {
  const dark = await page.evaluate(() => window.matchMedia('(prefers-color-scheme: dark)').matches);
  const { violations } = await new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).analyze();
  const dir = join(RESULTS_DIR, 'axe');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name.replace(/[^\w.-]+/g, '-')}.json`), JSON.stringify(violations, null, 2));
  // A node inside a frame has a target of two or more selectors: [the iframe, the node in it].
  const measuredWrongly = (violation: Result, node: NodeResult) => dark && violation.id === 'color-contrast' && node.target.length > 1;
  return violations
    .filter((violation) => FAILING_IMPACTS.includes(violation.impact ?? ''))
    .flatMap((violation) =>
      violation.nodes
        .filter((node) => !measuredWrongly(violation, node))
        .map((node) => `${violation.impact} ${violation.id}: ${node.target.join(' ')} — ${node.failureSummary?.split('\n').slice(1).join(' ').trim() ?? violation.help}`),
    );
}
