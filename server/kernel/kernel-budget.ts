import { PublicError } from '../errors.ts';
import type { Logger } from '../log.ts';

/** Starting a kernel would take its owner over TALKBOOK_MAX_KERNELS_PER_USER and none of theirs is idle. */
export class KernelLimitError extends PublicError {
  override name = 'KernelLimitError';
  constructor(max: number) {
    super(
      `Its owner already has ${max} kernel${max === 1 ? '' : 's'} running, all busy (at most ${max} per person: TALKBOOK_MAX_KERNELS_PER_USER). Wait for one to finish or interrupt it, then run again.`,
      429,
    );
  }
}

/** Something that may hold a live kernel: a conversation, as the budget sees it. */
export interface KernelHolder {
  readonly id: string;
  readonly hasKernel: boolean;
  /** Whose kernel it counts as (a conversation's owner), for the per-user cap; null: nobody's. */
  readonly ownerId?: string | null;
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
  /**
   * Live kernels per owner at most (TALKBOOK_MAX_KERNELS_PER_USER; default none): that owner's
   * least recently used idle one makes room; when all of theirs are busy, starting one more is
   * refused (`KernelLimitError`).
   */
  maxKernelsPerUser?: number | undefined;
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
    const holders = [...this.options.holders()];
    await this.makeRoomForOwner(forId, holders);
    const live = holders.filter((holder) => holder.hasKernel && holder.id !== forId);
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

  /**
   * Whether `ownerId` already has TALKBOOK_MAX_KERNELS_PER_USER live kernels. A new conversation
   * of theirs then takes no warm kernel from the pool: its first run makes room (or is refused)
   * like any other start, instead of holding one kernel over the cap while all theirs are busy.
   */
  atOwnerCap(ownerId: string | null | undefined): boolean {
    const max = this.options.maxKernelsPerUser;
    if (max === undefined || !ownerId) return false;
    let live = 0;
    for (const holder of this.options.holders()) if (holder.hasKernel && holder.ownerId === ownerId) live += 1;
    return live >= max;
  }

  /** The per-user cap: the owner's least recently used idle kernels go; all busy, the start is refused. */
  private async makeRoomForOwner(forId: string, holders: KernelHolder[]): Promise<void> {
    const max = this.options.maxKernelsPerUser;
    const ownerId = holders.find((holder) => holder.id === forId)?.ownerId;
    if (max === undefined || !ownerId) return;
    const theirs = holders.filter((holder) => holder.hasKernel && holder.id !== forId && holder.ownerId === ownerId);
    let excess = theirs.length - (max - 1);
    for (const holder of theirs.sort((a, b) => a.lastActive - b.lastActive)) {
      if (excess <= 0) break;
      const evicted = await holder
        .evictKernel(`The kernel was shut down to make room for another of its owner's conversations (at most ${max} per person: TALKBOOK_MAX_KERNELS_PER_USER).`)
        .catch(() => false);
      if (evicted) excess -= 1;
    }
    if (excess > 0) throw new KernelLimitError(max);
  }

  close(): void {
    clearInterval(this.reaper);
  }
}
