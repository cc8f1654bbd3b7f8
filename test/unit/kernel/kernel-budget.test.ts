import { afterEach, describe, expect, it } from 'vitest';
import { KernelBudget, type KernelHolder } from '../../../server/kernel/kernel-budget.ts';
import { createLogger } from '../../../server/log.ts';

function holder(id: string, lastActive: number, options: { busy?: boolean; hasKernel?: boolean } = {}) {
  const evicted: string[] = [];
  const h: KernelHolder & { evicted: string[]; hasKernel: boolean } = {
    id,
    lastActive,
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
});
