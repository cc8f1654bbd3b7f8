import { expect, it } from 'vitest';
import { startPlainJupyter } from '../helpers/plain-jupyter.ts';
import { startTestTalkbook } from '../helpers/talkbook.ts';

it('deletes a conversation even when its Jupyter server is gone', async () => {
  const remote = await startPlainJupyter();
  const tb = await startTestTalkbook({ JUPYTER_URL: remote.url, JUPYTER_TOKEN: remote.token, TALKBOOK_KERNEL_POOL: '0' });
  try {
    const { id } = await tb.createConversation();
    await (await tb.connect(id)).run('x = 1');
    await remote.close();
    const started = Date.now();
    const response = await tb.api(`/api/conversations/${id}`, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await tb.api(`/api/conversations/${id}`)).status).toBe(404);
  } finally {
    await tb.close();
  }
}, 60_000);
