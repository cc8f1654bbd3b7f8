import type { Logger } from '../log.ts';
import type { Kernels } from './kernels.ts';

export interface KernelPoolOptions {
  kernels: Kernels;
  /** Started kernels kept ready per kernel spec (`TALKBOOK_KERNEL_POOL`, default 2; 0 turns the pool off). */
  size: number;
  /** A fresh conversation id: 128 random bits, hex (`newId`). */
  newId: () => string;
  log: Logger;
  /** First wait before trying again after a kernel failed to start (default 2 s, doubling up to 60 s). */
  retryMs?: number;
}

/**
 * Started kernels waiting for their conversations, so a new conversation's first cell does not
 * wait for a kernel to start.
 *
 * The sandbox binds a kernel's workspace when it launches, so a kernel cannot move to another
 * conversation's folder later. Each pooled kernel is therefore started for a conversation id
 * chosen in advance, in that id's workspace folder, and registered in `Kernels` under that id.
 * `take` hands the id out once: the conversation is created with it and finds its kernel with
 * `kernels.get(id)`. An id leaves the pool when taken and ids are random, so a kernel never
 * serves two conversations, and nothing runs in a pooled kernel before its conversation does.
 *
 * Refills run in the background, one kernel start at a time (kernel starts are CPU-heavy on a
 * small machine). Kernels that die while pooled are dropped; `reset` forgets everything after
 * the Jupyter server restarted; `close` waits for a start under way and shuts every pooled
 * kernel down.
 */
export class KernelPool {
  private readonly options: KernelPoolOptions;
  /** Kernel spec → ids of started kernels, oldest first. */
  private readonly ready = new Map<string, string[]>();
  private readonly unwatch = new Map<string, () => void>();
  /** Specs kept warm: the default one and every one asked for. */
  private readonly wanted = new Set<string>();
  /** The start under way for the current generation (one at a time). */
  private starting: Promise<void> | undefined;
  /** Every start under way, including those of an earlier generation (close waits for them). */
  private readonly inflight = new Set<Promise<void>>();
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  /** Bumped by `reset`: a start begun before it must not join the pool. */
  private generation = 0;
  private closed = false;

  constructor(options: KernelPoolOptions) {
    this.options = options;
  }

  /**
   * Begin keeping `kernelName` (the default spec) warm, in the background. Any other spec is
   * kept warm once a conversation asked for it.
   */
  start(kernelName: string): void {
    if (this.options.size <= 0 || this.closed) return;
    this.wanted.add(kernelName);
    this.fill();
  }

  /** How many started kernels of `kernelName` are waiting. */
  size(kernelName: string): number {
    return this.ready.get(kernelName)?.length ?? 0;
  }

  /**
   * The id of a started `kernelName` kernel, removed from the pool, or undefined if none is
   * ready (the caller then uses a new id and the kernel starts on first use). Refills behind it.
   */
  take(kernelName: string): string | undefined {
    if (this.options.size <= 0 || this.closed) return undefined;
    this.wanted.add(kernelName);
    const ids = this.ready.get(kernelName) ?? [];
    let taken: string | undefined;
    while (!taken && ids.length) {
      const id = ids.shift()!;
      this.unwatch.get(id)?.();
      this.unwatch.delete(id);
      if (this.options.kernels.get(id)) taken = id;
      else void this.discard(id);
    }
    this.fill();
    return taken;
  }

  /** The Jupyter server restarted: every pooled kernel is gone. Forget them and fill again. */
  reset(): void {
    this.generation += 1;
    const lost = [...this.ready.values()].flat();
    this.ready.clear();
    for (const stop of this.unwatch.values()) stop();
    this.unwatch.clear();
    for (const id of lost) void this.discard(id);
    // A start under way talked to the old server: it may hang until its timeout, so do not wait.
    this.starting = undefined;
    this.failures = 0;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.fill();
  }

  /** Stop refilling, wait for a start under way, shut every pooled kernel down. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await Promise.allSettled([...this.inflight]);
    const ids = [...this.ready.values()].flat();
    this.ready.clear();
    await Promise.allSettled(ids.map((id) => this.discard(id)));
  }

  private fill(): void {
    if (this.closed || this.starting || this.retryTimer) return;
    const spec = [...this.wanted].find((name) => this.size(name) < this.options.size);
    if (!spec) return;
    const { kernels, log } = this.options;
    const generation = this.generation;
    const id = this.options.newId();
    const start: Promise<void> = kernels
      .session(id, spec)
      .then(
        (session) => {
          if (this.closed || generation !== this.generation || session.isDead) return this.discard(id);
          const ids = this.ready.get(spec) ?? [];
          ids.push(id);
          this.ready.set(spec, ids);
          this.unwatch.set(id, session.onLost(() => this.drop(spec, id)));
          this.failures = 0;
          log.debug(`kernel pool: a ${spec} kernel is ready (${ids.length}/${this.options.size})`);
          return undefined;
        },
        async (error: unknown) => {
          await this.discard(id);
          if (this.closed || generation !== this.generation) return;
          this.failures += 1;
          const waitMs = Math.min(60_000, (this.options.retryMs ?? 2000) * 2 ** (this.failures - 1));
          log.warn(`kernel pool: could not start a ${spec} kernel; trying again in ${Math.round(waitMs / 1000)} s`, error);
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            this.fill();
          }, waitMs);
          this.retryTimer.unref();
        },
      )
      .finally(() => {
        this.inflight.delete(start);
        if (this.starting === start) this.starting = undefined;
        this.fill();
      });
    this.starting = start;
    this.inflight.add(start);
  }

  /** A pooled kernel died while waiting: drop it and start another. */
  private drop(spec: string, id: string): void {
    const ids = this.ready.get(spec);
    const at = ids?.indexOf(id) ?? -1;
    if (!ids || at < 0) return;
    ids.splice(at, 1);
    this.unwatch.get(id)?.();
    this.unwatch.delete(id);
    void this.discard(id);
    this.fill();
  }

  private async discard(id: string): Promise<void> {
    await this.options.kernels.discard(id).catch((error: unknown) => this.options.log.debug(`kernel pool: could not discard ${id}: ${String(error)}`));
  }
}
