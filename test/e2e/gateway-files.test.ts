import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-gateway.ts';
import { startTestTalkbook } from '../helpers/talkbook.ts';
import { browserSession } from './support/browser-session.ts';
import { screenshot } from './support/browser.ts';

describe('files against a kernel gateway, in a browser', { timeout: 180_000 }, () => {
  let gateway: FakeGateway | undefined;
  const session = browserSession({
    start: async () => {
      gateway = await startFakeGateway();
      return startTestTalkbook({ JUPYTER_URL: gateway.url, JUPYTER_TOKEN: gateway.jupyter.token });
    },
    stop: async () => gateway?.close(),
  });

  it('uploads through the prompt, lists and downloads what the kernel holds', async () => {
    const { talkbook, page } = session;
    await page.goto(`${talkbook.url}/?token=${encodeURIComponent(talkbook.token)}`);
    const { id } = await talkbook.createConversation({ title: 'Gateway files' });
    await page.goto(`${talkbook.url}/c/${id}`);
    // No model is configured here: the empty conversation says how to get an assistant.
    await page.getByText('To ask an assistant as well, start Talkbook with').waitFor();
    await page.getByRole('button', { name: 'Files', exact: true }).click();
    await page.locator('.prompt-box input[type=file]').setInputFiles({ name: 'sales.csv', mimeType: 'text/csv', buffer: Buffer.from('month,total\njan,10\nfeb,12\n') });
    await page.getByText('2 rows × 2 columns').waitFor({ timeout: 60_000 });
    const panel = page.getByRole('complementary', { name: 'Files' });
    await panel.getByText('sales.csv').waitFor();

    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill("import pandas as pd\ndf = pd.read_csv('sales.csv')\ndf.assign(double=df.total * 2).to_csv('doubled.csv', index=False)\nprint('total', df.total.sum())");
    await box.press('Control+Enter');
    await page.getByText('total 22').waitFor({ timeout: 60_000 });
    await panel.getByText('doubled.csv').waitFor();
    await screenshot(page, 'gateway-files');

    const download = page.waitForEvent('download');
    await panel.getByRole('link', { name: /doubled\.csv/ }).click();
    expect(await readFile((await (await download).path())!, 'utf8')).toBe('month,total,double\njan,10,20\nfeb,12,24\n');
  });
});
