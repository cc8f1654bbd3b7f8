import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';

/**
 * TALKBOOK_MAX_KERNELS_PER_USER with warm kernels on: a conversation created while its owner's
 * kernels are all busy must not take a pooled kernel (that held one kernel over the cap).
 */
let tb: TestTalkbook;

beforeAll(async () => {
  tb = await startTestTalkbook({ TALKBOOK_KERNEL_POOL: '1', TALKBOOK_AUTO_RESTORE: '0', TALKBOOK_MAX_KERNELS_PER_USER: '1' });
});
afterAll(async () => {
  await tb?.close();
});

interface Usage {
  users: Array<{ userId: string; kernels: Array<{ conversationId: string }> }>;
}
const liveKernels = async () => ((await (await tb.api('/api/admin/usage')).json()) as Usage).users.flatMap((user) => user.kernels.map((kernel) => kernel.conversationId));

describe('the per-user kernel cap with a warm pool', () => {
  it('a new conversation of an owner whose kernels are all busy gets no pooled kernel; its first run is refused in the cell', async () => {
    const first = await tb.createConversation({ title: 'Busy' });
    const socket = await tb.connect(first.id);
    const busy = socket.turn({ type: 'run', code: 'import time\nprint("busy", flush=True)\ntime.sleep(60)' });
    await socket.waitFor((frame) => frame.type === 'output' && JSON.stringify(frame.output).includes('busy'));
    expect(await liveKernels()).toEqual([first.id]);

    const second = await tb.createConversation({ title: 'Second' });
    // The pool refills in the background; whatever it holds is nobody's, and the owner keeps one kernel.
    expect(await liveKernels()).toEqual([first.id]);
    const other = await tb.connect(second.id);
    const refused = await other.run('print("second")');
    expect(refused.cell.status).toBe('error');
    expect(refused.cell.failure).toMatch(/already has 1 kernel running, all busy.*TALKBOOK_MAX_KERNELS_PER_USER/);
    expect(await liveKernels()).toEqual([first.id]);

    expect((await tb.api(`/api/conversations/${first.id}/interrupt`, { method: 'POST' })).status).toBe(204);
    expect((await busy).end.state).not.toBe('started');
    // Idle now: the second conversation's run makes room by shutting the first one's kernel down.
    expect((await other.run('print("room")')).cell.status).toBe('ok');
    expect(await liveKernels()).toEqual([second.id]);
    await other.close();
    await socket.close();
  });
});
