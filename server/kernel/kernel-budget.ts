import type { Logger } from '../log.ts';

/** Something that may hold a live kernel: a conversation, as the budget sees it. */
export interface KernelHolder {
  readonly id: string;
  readonly hasKernel: boolean;
  /** When it last used its kernel (ms since epoch). */
  readonly lastActive: number;
  /** Shut its kernel down, saying why; false when it is busy (or has none). */
  evictKernel(reason: string): Promise<boolean>;
}

export interface KernelBudgetOptions {
  /** Everyone who may hold a kernel, looked at each time. */
  holders(): Iterable<KernelHolder>;
  /** Shut a kernel down after this long without use (TALKBOOK_KERNEL_IDLE_MINUTES; default 60 minutes). */
  idleMs?: number;
  /** Live kernels at most; the least recently used idle one makes room (TALKBOOK_MAX_KERNELS; default 64). */
  maxKernels?: number;
  log: Logger;
}

/**
 * How many kernels run, and for how long: idle ones are shut down after `idleMs`, and before a
 * holder starts a kernel the least recently used idle ones make room under `maxKernels`.
 * A holder that is busy is never evicted.
 */
export class KernelBudget {
  private readonly options: KernelBudgetOptions;
  private readonly reaper: NodeJS.Timeout;

  constructor(options: KernelBudgetOptions) {
    this.options = options;
    const idleMs = this.idleMs;
    this.reaper = setInterval(() => void this.shutDownIdle(), Math.min(60_000, Math.max(1000, idleMs / 4)));
    this.reaper.unref();
  }

  private get idleMs(): number {
    return this.options.idleMs ?? 60 * 60_000;
  }

  /** Shut down the kernels of holders idle longer than `idleMs`. */
  async shutDownIdle(): Promise<void> {
    const idleMs = this.idleMs;
    const cutoff = Date.now() - idleMs;
    const minutes = Math.round(idleMs / 60_000);
    const after = minutes >= 1 ? `${minutes} minute${minutes === 1 ? '' : 's'}` : `${Math.round(idleMs / 1000)} s`;
    for (const holder of [...this.options.holders()]) {
      if (!holder.hasKernel || holder.lastActive >= cutoff) continue;
      await holder
        .evictKernel(`The kernel was shut down after ${after} without use (TALKBOOK_KERNEL_IDLE_MINUTES).`)
        .catch((error: unknown) => this.options.log.warn('idle shutdown failed', error));
    }
  }

  /** Before `forId` starts a kernel: shut down the least recently used idle ones to stay under the cap. */
  async makeRoom(forId: string): Promise<void> {
    const max = this.options.maxKernels ?? 64;
    const live = [...this.options.holders()].filter((holder) => holder.hasKernel && holder.id !== forId);
    let excess = live.length - (max - 1);
    if (excess <= 0) return;
    for (const holder of live.sort((a, b) => a.lastActive - b.lastActive)) {
      if (excess <= 0) break;
      const evicted = await holder
        .evictKernel(`The kernel was shut down to make room for another conversation's (at most ${max} run at once: TALKBOOK_MAX_KERNELS).`)
        .catch(() => false);
      if (evicted) excess -= 1;
    }
  }

  close(): void {
    clearInterval(this.reaper);
  }
}
