import { describe, expect, it } from 'vitest';
import { Conversation } from '../../../server/conversation/conversation.ts';
import { followCell, LOST_OUTPUT } from '../../../server/conversation/follow-cell.ts';
import type { ExecutionEvent, KernelSession } from '../../../server/kernel/kernel-session.ts';
import type { CodeCell } from '../../../server/protocol/index.ts';

type Followed = Awaited<ReturnType<KernelSession['follow']>>;

/** A conversation whose cell `a` was running (with one line stored) when its server stopped. */
function takenOver() {
  const c = new Conversation({ id: 'c1', title: 't', kernel: 'python3', createdAt: '', updatedAt: '', seq: 0, ownerId: null, cells: [] }, { maxCellOutputBytes: 1024 * 1024 });
  c.addCell<CodeCell>({ id: 'a', kind: 'code', source: 'for i in range(3): print(i)', author: 'user', status: 'running', executionCount: 4, outputs: [{ output_type: 'stream', name: 'stdout', text: '0\n' }], createdAt: '' });
  return c;
}

/** The kernel side of a takeover: what Jupyter replays (or not), then how the execution ended. */
function session(replayed: ExecutionEvent[], outcome: Followed): KernelSession {
  return {
    follow: async (_msgId: string, onEvent: (event: ExecutionEvent) => void) => {
      for (const event of replayed) onEvent(event);
      return outcome;
    },
  } as unknown as KernelSession;
}

describe('following a cell that was running when its server stopped', () => {
  it('completes it with the replayed output after what was stored', async () => {
    const c = takenOver();
    await followCell(c, session([{ kind: 'output', output: { output_type: 'stream', name: 'stdout', text: '1\n2\n' } }], { status: 'ok', executionCount: 4 }), 'a', 'm1');
    const cell = c.cell('a') as CodeCell;
    expect(cell.status).toBe('ok');
    expect(cell.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '0\n1\n2\n' }]);
    expect(cell.endedAt).toBeDefined();
    expect(cell.failure).toBeUndefined();
  });

  it('says plainly that the output after what is shown was lost when nothing could be replayed', async () => {
    const c = takenOver();
    await followCell(c, session([], { status: 'lost' } as Followed), 'a', 'm1');
    const cell = c.cell('a') as CodeCell;
    expect(cell.status).toBe('interrupted');
    expect(cell.failure).toBe(LOST_OUTPUT);
    expect(cell.failure).toContain('after the output shown here');
    // What the old server had stored stays.
    expect(cell.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '0\n' }]);
  });
});
