import type { Logger } from '../log.ts';
import { NotHolderError, type ConversationLeases, type LeaseHolder } from '../store/leases.ts';

export interface LeaseKeeperOptions {
  leases: ConversationLeases;
  holder: LeaseHolder;
  /** How long a lease lasts without renewal (TALKBOOK_LEASE_SECONDS, default 10 s); renewed every third of it. */
  ttlMs: number;
  log: Logger;
  /** A held lease was lost (another server took it, or it could not be renewed in time): stop the conversation here. */
  onLost(conversationId: string): void;
}

/**
 * The leases this server holds (see `ConversationLeases`): taken when a conversation is loaded,
 * renewed together every `ttlMs / 3`, released when it is let go or the server drains. Whether a
 * lease still holds is judged on this process's monotonic clock from when the last renewal was
 * sent, so a server that was paused past its lease knows it before it does anything.
 */
export class LeaseKeeper {
  private readonly options: LeaseKeeperOptions;
  private readonly held = new Map<string, number>();
  /** `performance.now()` until which each lease surely holds. */
  private readonly validUntil = new Map<string, number>();
  private readonly taking = new Map<string, Promise<number>>();
  private readonly timer: NodeJS.Timeout;
  private draining = false;

  constructor(options: LeaseKeeperOptions) {
    this.options = options;
    this.timer = setInterval(() => void this.renewAll(), Math.max(100, Math.floor(options.ttlMs / 3)));
    this.timer.unref();
  }

  get shared(): boolean {
    return this.options.leases.shared;
  }

  /** The fencing number of the conversation's lease, taken if this server does not hold it; `NotHolderError` when another does. */
  acquire(conversationId: string): Promise<number> {
    const fence = this.fence(conversationId);
    if (fence !== undefined) return Promise.resolve(fence);
    let pending = this.taking.get(conversationId);
    if (!pending) {
      pending = this.take(conversationId).finally(() => this.taking.delete(conversationId));
      this.taking.set(conversationId, pending);
    }
    return pending;
  }

  /** The fencing number while the lease surely holds; undefined otherwise. */
  fence(conversationId: string): number | undefined {
    const fence = this.held.get(conversationId);
    if (fence === undefined) return undefined;
    if (this.shared && (this.validUntil.get(conversationId) ?? 0) <= performance.now()) {
      this.lost(conversationId);
      return undefined;
    }
    return fence;
  }

  /** Refuse (`NotHolderError`) unless this server surely holds the conversation now. */
  assertHeld(conversationId: string): void {
    if (this.fence(conversationId) === undefined) throw new NotHolderError(1);
  }

  async release(conversationId: string): Promise<void> {
    const fence = this.held.get(conversationId);
    this.held.delete(conversationId);
    this.validUntil.delete(conversationId);
    if (fence !== undefined && this.shared) {
      await this.options.leases.release(conversationId, fence).catch((error: unknown) => this.options.log.warn(`could not release the lease of ${conversationId}`, error));
    }
  }

  /** Take no lease from now on (SIGTERM): the other servers take the conversations over. */
  drain(): void {
    this.draining = true;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.held.keys()].map((id) => this.release(id)));
  }

  private async take(conversationId: string): Promise<number> {
    const { leases, holder, ttlMs } = this.options;
    if (this.draining) throw new NotHolderError(1);
    const sentAt = performance.now();
    const taken = await leases.take(conversationId, holder, ttlMs);
    if (!taken.held) throw new NotHolderError(Math.max(1, Math.ceil(taken.expiresInMs / 1000)));
    this.held.set(conversationId, taken.fence);
    this.validUntil.set(conversationId, sentAt + ttlMs);
    return taken.fence;
  }

  private async renewAll(): Promise<void> {
    if (!this.shared || this.held.size === 0) return;
    const { leases, holder, ttlMs, log } = this.options;
    const sentAt = performance.now();
    const asked = new Map(this.held);
    try {
      const lost = new Set(await leases.renew(holder.id, asked, ttlMs));
      for (const [id, fence] of asked) {
        if (this.held.get(id) !== fence) continue;
        if (lost.has(id)) this.lost(id);
        else this.validUntil.set(id, sentAt + ttlMs);
      }
    } catch (error) {
      log.warn('could not renew the conversation leases', error);
      // Past their time they are lost (another server may take them): `fence` says so.
      for (const id of asked.keys()) this.fence(id);
    }
  }

  private lost(conversationId: string): void {
    if (!this.held.delete(conversationId)) return;
    this.validUntil.delete(conversationId);
    this.options.log.warn(`lost the lease of conversation ${conversationId}: another server holds it now`);
    this.options.onLost(conversationId);
  }
}
