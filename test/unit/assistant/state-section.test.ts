import { describe, expect, it } from 'vitest';
import { gatherContext } from '../../../server/assistant/gather-context.ts';
import { stateSection } from '../../../server/assistant/state-section.ts';
import { buildSystemPrompt } from '../../../server/assistant/system-prompt.ts';
import type { RestoreReport } from '../../../server/conversation/restore/restore-report.ts';
import { createFakeTurnContext } from './fake-turn-context.ts';

const restored: RestoreReport = { outcome: 'done', automatic: false, replayed: 4, total: 4, skipped: [], notReached: [], unsuccessful: 0 };

describe('what the system prompt says about kernel state', () => {
  it('says nothing when the kernel simply holds what ran', () => {
    expect(stateSection({ lost: false })).toBeUndefined();
    expect(stateSection(undefined)).toBeUndefined();
  });

  it('says the state is lost and not restored', () => {
    expect(stateSection({ lost: true })).toMatch(/^Kernel state: lost\..*not restored: variables, imports and data from those earlier cells do not exist now/);
  });

  it('says the state was restored, and which cells were not replayed', () => {
    expect(stateSection({ lost: false, restore: restored })).toBe('Kernel state: restored after it was lost, by replaying 4 earlier code cells in a fresh kernel (outputs were not shown again).');
    const section = stateSection({ lost: false, restore: { ...restored, automatic: true, skipped: ['`send_mail()`'], unsuccessful: 2 } });
    expect(section).toContain('restored automatically');
    expect(section).toContain('Cells that were not replayed, so their effects are missing:\n- `send_mail()` (marked not to replay)');
    expect(section).toContain('Cells whose last run had failed (2) were not replayed either.');
  });

  it('says which variables came back from a checkpoint and which were rebuilt by replay', () => {
    const section = stateSection({
      lost: false,
      restore: {
        ...restored,
        automatic: true,
        replayed: 1,
        total: 1,
        checkpoint: { label: '`df = load()`', cellId: 'c3', restored: ['df', 'np'], rebuilt: ['log'], missing: ['gen (a generator)'], ms: 120 },
      },
    })!;
    expect(section).toContain('Kernel state: restored automatically after it was lost, from the checkpoint saved after `df = load()`, then by replaying 1 earlier code cell');
    expect(section).toContain('Variables that came back from the checkpoint: df, np.');
    expect(section).toContain('Variables rebuilt by replaying the cells that made them (a checkpoint cannot hold them): log.');
    expect(section).toContain('Not restored at all: gen (a generator).');
  });

  it('says a failed restore left the state partly restored, naming the failed and unreached cells', () => {
    const section = stateSection({
      lost: true,
      restore: { ...restored, outcome: 'failed', replayed: 1, failedAt: { label: '`df = load()`', error: 'OSError: gone' }, notReached: ['`df.plot()`'] },
    })!;
    expect(section).toMatch(/^Kernel state: only partly restored\. The replay of earlier cells stopped at `df = load\(\)`, which failed with OSError: gone; what the 1 earlier code cell before it built is in effect, nothing after it\./);
    expect(section).toContain('- `df = load()` (failed when replayed)\n- `df.plot()` (not reached)');
  });

  it('reaches the system prompt through the turn context', async () => {
    const ctx = createFakeTurnContext({ state: { lost: false, restore: { ...restored, skipped: ['`send()`'] } } });
    const context = await gatherContext(ctx);
    const prompt = buildSystemPrompt({ context, toolMode: 'tools', vision: false });
    expect(prompt).toContain('Kernel state: restored after it was lost');
    expect(prompt).toContain('`send()` (marked not to replay)');
    expect(prompt).toContain('# talkbook: no-replay');
  });
});
