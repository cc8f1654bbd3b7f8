import { describe, expect, it } from 'vitest';
import { browserSession } from './support/browser-session.ts';
import { screenshot } from './support/browser.ts';

describe('getting files into a conversation, in a browser', { timeout: 180_000 }, () => {
  const session = browserSession();

  const listed = async (id: string) => ((await (await session.talkbook.api(`/api/conversations/${id}/files`)).json()) as Array<{ name: string }>).map((file) => file.name);

  it('takes several picked files, dropped files and pasted files', async () => {
    const { talkbook, page } = session;
    await page.goto(`${talkbook.url}/?token=${encodeURIComponent(talkbook.token)}`);
    const { id } = await talkbook.createConversation({ title: 'Uploads' });
    await page.goto(`${talkbook.url}/c/${id}`);
    await page.getByRole('button', { name: 'Files', exact: true }).click();
    const panel = page.getByRole('complementary', { name: 'Files' });

    // Several files from the picker go one after the other.
    await page.locator('.prompt-box input[type=file]').setInputFiles([
      { name: 'first.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n1,2\n') },
      { name: 'second.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') },
    ]);
    await panel.getByText('second.txt').waitFor();
    await panel.getByText('first.csv').waitFor();

    // Dragged over the conversation: an overlay says what a drop does; dropping uploads.
    const dropped = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['x,y\n3,4\n'], 'dropped.csv', { type: 'text/csv' }));
      transfer.items.add(new File(['{"k": 1}'], 'dropped.json', { type: 'application/json' }));
      return transfer;
    });
    await page.dispatchEvent('.notebook', 'dragenter', { dataTransfer: dropped });
    await page.getByText('Drop files to upload them to this conversation’s workspace').waitFor();
    await screenshot(page, 'drop-overlay');
    await page.dispatchEvent('.notebook', 'drop', { dataTransfer: dropped });
    expect(await page.locator('.drop-overlay').count()).toBe(0);
    await panel.getByText('dropped.json').waitFor();
    await panel.getByText('dropped.csv').waitFor();

    // Something dragged that is not files (text) is left alone.
    const text = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.setData('text/plain', 'just text');
      return transfer;
    });
    await page.dispatchEvent('.notebook', 'dragenter', { dataTransfer: text });
    expect(await page.locator('.drop-overlay').count()).toBe(0);

    // A pasted file (a screenshot from the clipboard) is uploaded; pasted text stays text.
    await page.getByRole('textbox', { name: 'Message' }).evaluate((area) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array([137, 80, 78, 71])], 'pasted.png', { type: 'image/png' }));
      area.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
    });
    await panel.getByText('pasted.png').waitFor();
    expect(await page.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('');

    expect(await listed(id)).toEqual(['dropped.csv', 'dropped.json', 'first.csv', 'pasted.png', 'second.txt']);
    await screenshot(page, 'uploads');
  });
});
