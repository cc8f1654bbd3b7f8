import { describe, expect, it } from 'vitest';
import { cellLabel, hasNoReplayMarker, hasRestorableState, replayPlan } from '../../../../server/conversation/restore/replay-plan.ts';
import { restoreNotice, type RestoreReport } from '../../../../server/conversation/restore/restore-report.ts';
import type { Cell, CodeCell } from '../../../../server/protocol/index.ts';

const code = (id: string, extra: Partial<CodeCell> = {}): CodeCell => ({
  id,
  kind: 'code',
  createdAt: '2024-01-01T00:00:00.000Z',
  source: `x_${id} = 1`,
  author: 'user',
  status: 'ok',
  executionCount: 1,
  outputs: [],
  ...extra,
});

describe('replayPlan', () => {
  it('replays code cells that last ran without error, in order, skipping those marked noReplay', () => {
    const cells: Cell[] = [
      { id: 'u', kind: 'user', createdAt: '', text: 'hi' },
      code('a'),
      code('b', { status: 'error' }),
      code('c', { noReplay: true }),
      code('d', { author: 'assistant' }),
      code('e', { status: 'interrupted' }),
      code('f', { status: 'queued', executionCount: null }),
      { id: 'n', kind: 'notice', createdAt: '', level: 'info', text: 'note' },
    ];
    const plan = replayPlan(cells);
    expect(plan.replay.map((c) => c.id)).toEqual(['a', 'd']);
    expect(plan.skipped.map((c) => c.id)).toEqual(['c']);
    expect(plan.unsuccessful.map((c) => c.id)).toEqual(['b', 'e', 'f']);
  });

  it('says whether there is state to lose', () => {
    expect(hasRestorableState([])).toBe(false);
    expect(hasRestorableState([code('a', { status: 'error' })])).toBe(false);
    expect(hasRestorableState([code('a', { status: 'error' }), code('b')])).toBe(true);
  });
});

describe('the no-replay marker', () => {
  it('is a comment line of its own', () => {
    expect(hasNoReplayMarker('# talkbook: no-replay\nsend()')).toBe(true);
    expect(hasNoReplayMarker('send()\n  #talkbook:no-replay  ')).toBe(true);
    expect(hasNoReplayMarker('send()  # talkbook: no-replay')).toBe(false);
    expect(hasNoReplayMarker('print("# talkbook: no-replay")')).toBe(false);
  });
});

describe('cellLabel', () => {
  it('is the first line of code, shortened, without the marker', () => {
    expect(cellLabel(code('a', { source: '\n# talkbook: no-replay\nimport os\nos.remove("x")' }))).toBe('`import os`');
    expect(cellLabel(code('a', { source: 'y = "' + 'z'.repeat(100) + '"' }), 20)).toBe('`y = "zzzzzzzzzzzzzz…`');
    expect(cellLabel(code('a', { source: 'print(`hi`)' }))).toBe("`print('hi')`");
  });
});

describe('restoreNotice', () => {
  const base: RestoreReport = { outcome: 'done', automatic: false, replayed: 3, total: 3, skipped: [], notReached: [], unsuccessful: 0 };

  it('says how many cells were replayed, and what was skipped', () => {
    expect(restoreNotice(base)).toEqual({ level: 'info', text: 'Restored the kernel state: replayed 3 code cells in a fresh kernel; the outputs shown are from their earlier runs.' });
    const skipped = restoreNotice({ ...base, automatic: true, skipped: ['`send()`'], unsuccessful: 1 }).text;
    expect(skipped).toMatch(/^Restored the kernel state automatically \(TALKBOOK_AUTO_RESTORE\)/);
    expect(skipped).toMatch(/Skipped a cell marked not to replay: `send\(\)`\. 1 code cell whose last run failed was not replayed\.$/);
    expect(restoreNotice({ ...base, replayed: 0, total: 0 }).text).toBe('Started a fresh kernel: there was no code to replay.');
  });

  it('says where a failed restore stopped and why, as a warning', () => {
    const notice = restoreNotice({ ...base, outcome: 'failed', replayed: 1, failedAt: { label: '`df = load()`', error: 'OSError: gone' }, notReached: ['`a`', '`b`'] });
    expect(notice.level).toBe('warning');
    expect(notice.text).toMatch(/^Restore stopped at `df = load\(\)`, which failed: OSError: gone\. The kernel holds what the 1 code cell before it built; 2 code cells after it were not replayed\./);
  });

  it('says how far a cancelled restore got', () => {
    expect(restoreNotice({ ...base, outcome: 'cancelled', replayed: 1, notReached: ['`b`', '`c`'] }).text).toBe('Restore cancelled after 1 of 3 code cells: the kernel holds what those built.');
  });
});
