import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { audit } from './support/axe-audit.ts';
import { launchChromium, openPage, waitForFrames, type PageOptions } from './support/browser.ts';
import { everyOutputKind, galleryCells, variableTableOutput, waitingForInputCells, workspaceStateCells } from './support/gallery.ts';
import { startMockTalkbook, type MockTalkbook } from './support/mock-talkbook.ts';
import { conversationsList, headerAction } from './support/page-actions.ts';

interface Ids {
  gallery: string;
  cells: string;
  workspace: string;
  input: string;
}

/** A screen to audit: how to get there from a fresh page (`signedIn` false: no cookie). */
interface Screen {
  name: string;
  open: (page: Page, at: { url: string; ids: Ids }) => Promise<void>;
  signedIn?: boolean;
}

async function openGallery(page: Page, url: string, id: string): Promise<void> {
  await page.goto(`${url}/c/${id}`);
  await page.locator('img.output-image').first().waitFor();
  await page.locator('.output-latex .katex').waitFor();
  await page.locator('.assistant-cell .katex').first().waitFor();
  await page.locator('.chart-canvas canvas').first().waitFor();
  await page.locator('.table-output tbody td').first().waitFor();
  await waitForFrames(page);
}

async function openWorkspace(page: Page, url: string, id: string): Promise<void> {
  await page.goto(`${url}/c/${id}`);
  await page.locator('.cell-checkpoint').first().waitFor();
  await page.getByRole('alert').filter({ hasText: 'Changes are not being saved' }).waitFor();
}

/** Every main screen. A new screen is one more line here. */
const SCREENS: Screen[] = [
  { name: 'home', open: async (page, { url }) => void (await page.goto(url), await page.getByRole('button', { name: 'Start a conversation' }).waitFor()) },
  { name: 'conversation with every output kind', open: (page, { url, ids }) => openGallery(page, url, ids.gallery) },
  { name: 'files panel', open: async (page, { url, ids }) => (await openGallery(page, url, ids.gallery), await headerAction(page, 'Files'), void (await page.getByText('report.xlsx').waitFor())) },
  { name: 'conversations drawer or sidebar', open: async (page, { url, ids }) => void (await page.goto(`${url}/c/${ids.cells}`), await (await conversationsList(page)).getByRole('link').first().waitFor()) },
  { name: 'cell menu', open: async (page, { url, ids }) => (await page.goto(`${url}/c/${ids.cells}`), await page.getByRole('button', { name: 'Cell actions' }).first().click(), void (await page.getByRole('menuitem', { name: 'Delete cell' }).waitFor())) },
  { name: 'delete cell dialog', open: async (page, { url, ids }) => (await page.goto(`${url}/c/${ids.cells}`), await page.getByRole('button', { name: 'Cell actions' }).first().click(), await page.getByRole('menuitem', { name: 'Delete cell' }).click(), void (await page.getByRole('dialog', { name: 'Delete this cell?' }).waitFor())) },
  { name: 'restart dialog', open: async (page, { url, ids }) => (await page.goto(`${url}/c/${ids.cells}`), await headerAction(page, 'Restart kernel'), void (await page.getByRole('dialog', { name: 'Restart the kernel?' }).waitFor())) },
  { name: 'delete conversation dialog', open: async (page, { url, ids }) => (await page.goto(`${url}/c/${ids.cells}`), await (await conversationsList(page)).getByRole('button', { name: 'Delete Cells' }).click(), void (await page.getByRole('dialog', { name: 'Delete this conversation?' }).waitFor())) },
  { name: 'shortcuts help', open: async (page, { url, ids }) => (await page.goto(`${url}/c/${ids.cells}`), await page.locator('.notebook').click({ position: { x: 5, y: 5 } }), await page.keyboard.press('?'), void (await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor())) },
  { name: 'checkpoint footers, stale, undone, edited and imported cells, storage banner', open: async (page, { url, ids }) => (await openWorkspace(page, url, ids.workspace), void (await page.locator('.stale-banner').waitFor())) },
  { name: 'cell menu with undo and branch', open: async (page, { url, ids }) => (await openWorkspace(page, url, ids.workspace), await page.locator('article.code-cell').last().getByRole('button', { name: 'Cell actions' }).click(), void (await page.getByRole('menuitem', { name: 'Undo this cell' }).waitFor()), void (await page.getByRole('menuitem', { name: 'Branch from here' }).waitFor())) },
  { name: 'variable explorer', open: async (page, { url, ids }) => (await openWorkspace(page, url, ids.workspace), await headerAction(page, 'Variables'), void (await page.getByRole('list', { name: 'Kernel variables' }).getByText('cities').first().waitFor())) },
  { name: 'variable table', open: async (page, { url, ids }) => (await openWorkspace(page, url, ids.workspace), await headerAction(page, 'Variables'), await page.getByRole('button', { name: 'Open cities as a table' }).click(), void (await page.getByRole('dialog', { name: 'Table cities' }).locator('.table-output tbody td').first().waitFor())) },
  { name: 'stdin prompt', open: async (page, { url, ids }) => void (await page.goto(`${url}/c/${ids.input}`), await page.getByRole('textbox', { name: 'Your name?' }).waitFor()) },
  { name: 'sign-in', signedIn: false, open: async (page, { url }) => void (await page.goto(url), await page.getByRole('heading', { name: 'Sign in to Talkbook' }).waitFor()) },
];

const VARIANTS: { label: string; page: PageOptions }[] = [
  { label: 'desktop, light', page: { width: 1280, height: 860, colorScheme: 'light' } },
  { label: 'desktop, dark', page: { width: 1280, height: 860, colorScheme: 'dark' } },
  { label: 'phone, light', page: { width: 390, height: 844, colorScheme: 'light', touch: true } },
  { label: 'phone, dark', page: { width: 390, height: 844, colorScheme: 'dark', touch: true } },
];

/**
 * axe-core on every main screen, light and dark, desktop and phone: no serious or critical
 * finding (test/e2e/support/axe-audit.ts). Against the scripted stand-in server: fast and exact.
 */
describe('accessibility audit (axe-core, mock server)', { timeout: 120_000 }, () => {
  let browser: Browser;
  let server: MockTalkbook;
  let ids: Ids;

  beforeAll(async () => {
    server = await startMockTalkbook({
      model: { configured: true, name: 'fake-model' },
      variables: [
        { name: 'cities', type: 'DataFrame', shape: [4, 4], bytes: 1_952, preview: 'city, people, area_km2, coastal', columns: [['city', 'object'], ['people', 'int64']] },
        { name: 'total', type: 'int', bytes: 28, preview: '1111852' },
        { name: 'names', type: 'list', length: 3, bytes: 88, preview: "['Lisbon', 'Porto', 'Braga']" },
      ],
      variableTable: variableTableOutput(),
    });
    const [, , finished] = galleryCells();
    ids = {
      gallery: server.seed('Output gallery', everyOutputKind()),
      // Only finished cells: cells can be deleted (a running one disables deleting).
      cells: server.seed('Cells', [{ ...finished!, id: 'cells-1' }]),
      workspace: server.seed('Workspace state', workspaceStateCells(), { storageError: 'The database did not answer (connection refused).' }),
      input: server.seed('Waiting for input', waitingForInputCells(), { stdin: { cellId: waitingForInputCells()[0]!.id, prompt: 'Your name? ', password: false } }),
    };
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the audit itself fails on a serious finding (an unnamed button, grey on grey)', async () => {
    const { page, context } = await openPage(browser, VARIANTS[0]!.page);
    await page.goto(`${server.url}/?token=${server.token}`);
    await page.getByRole('button', { name: 'Start a conversation' }).waitFor();
    await page.evaluate(() => {
      const main = document.querySelector('main')!;
      main.insertAdjacentHTML('beforeend', '<button type="button"></button><p style="color:#bbb;background:#ccc">faint</p>');
    });
    const findings = await audit(page, 'self-check');
    expect(findings.some((line) => line.includes('button-name'))).toBe(true);
    expect(findings.some((line) => line.includes('color-contrast'))).toBe(true);
    await context.close();
  });

  for (const screen of SCREENS) {
    for (const variant of VARIANTS) {
      it(`${screen.name} (${variant.label})`, async () => {
        const { page, context, errors } = await openPage(browser, variant.page);
        if (screen.signedIn !== false) await page.goto(`${server.url}/?token=${server.token}`);
        await screen.open(page, { url: server.url, ids });
        const findings = await audit(page, `${screen.name} ${variant.label}`);
        expect(findings).toEqual([]);
        expect(errors).toEqual([]);
        await context.close();
      });
    }
  }
});
