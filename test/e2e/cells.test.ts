import { describe, expect, it } from 'vitest';
import { browserSession } from './support/browser-session.ts';
import { screenshot } from './support/browser.ts';
import { openNewConversation } from './support/page-actions.ts';

describe('deleting a cell in a browser', { timeout: 180_000 }, () => {
  const session = browserSession();

  it('names the kernel and its language: Python 3, or R', async () => {
    const { talkbook, page } = session;
    await page.goto(`${talkbook.url}/?token=${encodeURIComponent(talkbook.token)}`);
    for (const [kernel, display, language] of [['python3', 'Python 3', 'Python'], ['ir', 'R', 'R']] as const) {
      const { id } = await talkbook.createConversation({ kernel });
      await page.goto(`${talkbook.url}/c/${id}`);
      await page.locator('.kernel-name', { hasText: display }).waitFor();
      expect(await page.getByRole('textbox', { name: 'Message' }).getAttribute('placeholder')).toBe(`Write ${language} to run in the kernel…`);
    }
    // The R conversation's code is highlighted as R.
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('squares <- function(n) (1:n)^2\nsquares(3)');
    await box.press('Control+Enter');
    await page.locator('.code-source code.language-r').waitFor({ timeout: 60_000 });
    // And edited as R: CodeMirror's R mode knows `function` is a keyword.
    await page.getByRole('button', { name: 'Edit and run again' }).click();
    await page.locator('.cm-content .tok-keyword', { hasText: 'function' }).waitFor();
  });

  it('asks first, then removes the cell from the page and the export; a running cell cannot be deleted', async () => {
    const { talkbook, page } = session;
    const { id, box } = await openNewConversation(page, talkbook, 'Cells');
    await box.fill('kept = 1\nprint("kept")');
    await box.press('Control+Enter');
    // Wait for the output, not for text the cell's own source also shows.
    await page.locator('.stream-stdout', { hasText: 'kept' }).waitFor({ timeout: 60_000 });
    await box.fill('print("scratch work")');
    await box.press('Control+Enter');
    await page.locator('.stream-stdout', { hasText: 'scratch work' }).waitFor({ timeout: 60_000 });

    const scratch = page.locator('article.code-cell', { hasText: 'scratch work' });
    await scratch.getByRole('button', { name: 'Delete cell' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this cell?' });
    await dialog.waitFor();
    await screenshot(page, 'delete-cell');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await scratch.count()).toBe(1);
    await scratch.getByRole('button', { name: 'Delete cell' }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await scratch.waitFor({ state: 'detached' });
    expect(await page.locator('article.code-cell').count()).toBe(1);

    const notebook = (await (await talkbook.api(`/api/conversations/${id}/notebook`)).json()) as { cells: Array<{ cell_type: string; source: string }> };
    expect(notebook.cells.filter((cell) => cell.cell_type === 'code').map((cell) => cell.source)).toEqual(['kept = 1\nprint("kept")']);

    // A notice (here: an upload's summary) can be dismissed, which removes it for good.
    const form = new FormData();
    form.append('file', new Blob(['a\n1\n']), 'note.csv');
    expect((await talkbook.api(`/api/conversations/${id}/files`, { method: 'POST', body: form })).status).toBe(201);
    const notice = page.getByRole('note').filter({ hasText: 'note.csv' });
    await notice.hover();
    await notice.getByRole('button', { name: 'Dismiss notice' }).click();
    await notice.waitFor({ state: 'detached' });
    const detail = (await (await talkbook.api(`/api/conversations/${id}`)).json()) as { cells: Array<{ kind: string }> };
    expect(detail.cells.map((cell) => cell.kind)).toEqual(['code']);

    await box.fill('import time\ntime.sleep(3)');
    await box.press('Control+Enter');
    const sleeping = page.locator('article.code-cell.status-running');
    await sleeping.waitFor();
    expect(await sleeping.getByRole('button', { name: 'Delete cell' }).isDisabled()).toBe(true);
  });
});
