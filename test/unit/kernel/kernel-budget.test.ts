import { afterEach, describe, expect, it } from 'vitest';
import { KernelBudget, KernelLimitError, type KernelHolder } from '../../../server/kernel/kernel-budget.ts';
import { createLogger } from '../../../server/log.ts';

function holder(id: string, lastActive: number, options: { busy?: boolean; hasKernel?: boolean; ownerId?: string } = {}) {
  const evicted: string[] = [];
  const h: KernelHolder & { evicted: string[]; hasKernel: boolean } = {
    id,
    lastActive,
    ownerId: options.ownerId ?? null,
    hasKernel: options.hasKernel ?? true,
    evicted,
    async evictKernel(reason) {
      if (options.busy || !h.hasKernel) return false;
      evicted.push(reason);
      h.hasKernel = false;
      return true;
    },
  };
  return h;
}

let budget: KernelBudget | undefined;
afterEach(() => budget?.close());

describe('the kernel budget', () => {
  it('shuts down only kernels idle longer than the idle time, and says why', async () => {
    const now = Date.now();
    const old = holder('old', now - 120_000);
    const fresh = holder('fresh', now - 1_000);
    budget = new KernelBudget({ holders: () => [old, fresh], idleMs: 60_000, log: createLogger('silent') });
    await budget.shutDownIdle();
    expect(old.evicted).toEqual(['The kernel was shut down after 1 minute without use (TALKBOOK_KERNEL_IDLE_MINUTES).']);
    expect(fresh.evicted).toEqual([]);
  });

  it('makes room under the cap from the least recently used, never the busy or the asker', async () => {
    const now = Date.now();
    const a = holder('a', now - 3000, { busy: true });
    const b = holder('b', now - 2000);
    const c = holder('c', now - 1000);
    const asker = holder('asker', now - 5000);
    budget = new KernelBudget({ holders: () => [a, b, c, asker], maxKernels: 3, log: createLogger('silent') });
    await budget.makeRoom('asker');
    expect(a.evicted).toEqual([]);
    expect(b.evicted).toHaveLength(1);
    expect(b.evicted[0]).toMatch(/at most 3 run at once: TALKBOOK_MAX_KERNELS/);
    expect(c.evicted).toEqual([]);
    expect(asker.evicted).toEqual([]);
  });

  it('per user: the owner\'s least recently used idle kernel makes room, others\' are left alone; all busy, the start is refused', async () => {
    const now = Date.now();
    const annOld = holder('ann-old', now - 9000, { ownerId: 'ann' });
    const annNew = holder('ann-new', now - 1000, { ownerId: 'ann' });
    const bobs = holder('bob', now - 20_000, { ownerId: 'bob' });
    const asker = holder('ann-asker', now, { ownerId: 'ann', hasKernel: false });
    budget = new KernelBudget({ holders: () => [annOld, annNew, bobs, asker], maxKernels: 10, maxKernelsPerUser: 2, log: createLogger('silent') });
    await budget.makeRoom('ann-asker');
    expect(annOld.evicted).toEqual([expect.stringContaining('at most 2 per person: TALKBOOK_MAX_KERNELS_PER_USER')]);
    expect(annNew.evicted).toEqual([]);
    expect(bobs.evicted).toEqual([]);

    const busyOne = holder('busy-1', now - 5000, { ownerId: 'cy', busy: true });
    const busyTwo = holder('busy-2', now - 4000, { ownerId: 'cy', busy: true });
    const cyAsker = holder('cy-asker', now, { ownerId: 'cy', hasKernel: false });
    budget.close();
    budget = new KernelBudget({ holders: () => [busyOne, busyTwo, cyAsker], maxKernelsPerUser: 2, log: createLogger('silent') });
    await expect(budget.makeRoom('cy-asker')).rejects.toThrow(KernelLimitError);
    await expect(budget.makeRoom('cy-asker')).rejects.toThrow(/already has 2 kernels running, all busy/);
  });

  it('says when an owner is at the per-user cap (a new conversation of theirs then takes no pooled kernel)', () => {
    const now = Date.now();
    const ann = holder('ann', now, { ownerId: 'ann' });
    const annCold = holder('ann-cold', now, { ownerId: 'ann', hasKernel: false });
    const bob = holder('bob', now, { ownerId: 'bob' });
    budget = new KernelBudget({ holders: () => [ann, annCold, bob], maxKernelsPerUser: 1, log: createLogger('silent') });
    expect(budget.atOwnerCap('ann')).toBe(true);
    expect(budget.atOwnerCap('cy')).toBe(false);
    ann.hasKernel = false;
    expect(budget.atOwnerCap('ann')).toBe(false);
    expect(budget.atOwnerCap(null)).toBe(false);
    budget.close();
    budget = new KernelBudget({ holders: () => [ann, annCold, bob], log: createLogger('silent') });
    expect(budget.atOwnerCap('bob')).toBe(false);
  });
});
