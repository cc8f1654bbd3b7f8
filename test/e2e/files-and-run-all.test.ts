import { describe, expect, it } from 'vitest';
import { browserSession } from './support/browser-session.ts';
import { screenshot } from './support/browser.ts';

describe('files panel and Run all in a browser', { timeout: 180_000 }, () => {
  const session = browserSession();

  it('lists uploads and files the code wrote, downloads them, and runs every cell again', async () => {
    const { talkbook, page } = session;
    await page.goto(`${talkbook.url}/?token=${encodeURIComponent(talkbook.token)}`);
    const { id } = await talkbook.createConversation({ title: 'Files' });
    const form = new FormData();
    form.append('file', new Blob(['city,people\nLisbon,545000\n']), 'cities.csv');
    expect((await talkbook.api(`/api/conversations/${id}/files`, { method: 'POST', body: form })).status).toBe(201);
    await page.goto(`${talkbook.url}/c/${id}`);
    // Opened before the code runs, the panel refreshes when the cell finishes.
    await page.getByRole('button', { name: 'Files', exact: true }).click();
    await page.getByRole('complementary', { name: 'Files' }).getByText('cities.csv').waitFor();
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill("import pandas as pd\ndf = pd.read_csv('cities.csv')\ndf.to_csv('report.csv', index=False)\nprint('rows', len(df))");
    await box.press('Control+Enter');
    await page.getByText('rows 1').waitFor({ timeout: 60_000 });

    const panel = page.getByRole('complementary', { name: 'Files' });
    await panel.getByText('report.csv').waitFor();
    await panel.getByText('cities.csv').waitFor();
    await screenshot(page, 'files-panel');
    const download = page.waitForEvent('download');
    await panel.getByRole('link', { name: /report\.csv/ }).click();
    const file = await download;
    const { readFile } = await import('node:fs/promises');
    expect(await readFile((await file.path())!, 'utf8')).toBe('city,people\nLisbon,545000\n');

    // The notebook and its files, in one zip.
    const archive = page.waitForEvent('download');
    await panel.getByRole('link', { name: 'Notebook and files (.zip)' }).click();
    const zip = await archive;
    expect(zip.suggestedFilename()).toBe('Files.zip');
    const { unzipSync } = await import('fflate');
    expect(Object.keys(unzipSync(new Uint8Array(await readFile((await zip.path())!)))).sort()).toEqual(['Files.ipynb', 'cities.csv', 'report.csv']);

    await page.getByRole('button', { name: 'Run all', exact: true }).click();
    await page.locator('text=[2]').first().waitFor({ timeout: 60_000 });
    const detail = await (await talkbook.api(`/api/conversations/${id}`)).json();
    const code = detail.cells.filter((c: { kind: string }) => c.kind === 'code');
    expect(code).toHaveLength(1);
    expect(code[0].executionCount).toBe(2);
    expect(code[0].status).toBe('ok');
  });
});
