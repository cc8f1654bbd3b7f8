import { describeStorageFailure } from '../store/storage-failure.ts';
import type { Logger } from '../log.ts';
import { LeaseLostError } from '../store/leases.ts';
import { SEQ_BLOCK, type ConversationStore } from '../store/store.ts';
import type { Conversation } from './conversation.ts';

export interface PersisterOptions {
  store: ConversationStore;
  log: Logger;
  /** Debounce for changes no frame waits for (default 250 ms; longer for costly writes, see `saveDelay`). */
  delayMs?: number;
  /** A new title is stored (the other servers can read it now). */
  onTitleStored?(): void;
  /**
   * Many servers: the fencing number of this server's lease on the conversation, undefined once
   * it does not surely hold it. Every write carries it; a refused one calls `onLeaseLost` and
   * writing stops for good.
   */
  fence?: () => number | undefined;
  onLeaseLost?: () => void;
}

/**
 * Writes one conversation's changes to the store: soon after a change (debounced: outputs
 * streaming into a cell are written at most every `saveDelay`), at once when a frame that
 * announces something finished waits for it (see `isCommitPoint`). A write that fails is
 * reported to the conversation's tabs and retried with backoff, never thrown.
 */
export class ConversationPersister {
  private readonly conversation: Conversation;
  private readonly options: PersisterOptions;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private again = false;
  private failures = 0;
  private lastCostMs = 0;
  /** The `seq` the store holds: frames continue from there after a restart. */
  private storedSeq: number;
  private closed = false;

  constructor(conversation: Conversation, options: PersisterOptions) {
    this.conversation = conversation;
    this.options = options;
    this.storedSeq = conversation.seq;
  }

  /** Something changed; `urgent`: a frame waits until it is stored. */
  changed(urgent: boolean): void {
    if (this.closed) return;
    if (urgent && this.failures === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      queueMicrotask(() => void this.flush());
      return;
    }
    if (this.timer || this.writing) {
      if (this.writing) this.again = true;
      return;
    }
    const delay = this.failures ? Math.min(30_000, 1000 * 2 ** (this.failures - 1)) : saveDelay(this.options.delayMs ?? 250, this.lastCostMs);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay);
    this.timer.unref();
  }

  /** Write everything now; resolves once stored (or once the write failed and was scheduled again). */
  async flush(): Promise<void> {
    if (this.writing) {
      this.again = true;
      await this.writing;
      if (this.again) return this.flush();
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.again = false;
    this.writing = this.write().finally(() => {
      this.writing = undefined;
    });
    await this.writing;
    if (this.again && !this.closed) {
      this.again = false;
      this.changed(this.conversation.sendableSeq < this.conversation.seq);
    }
  }

  private async write(): Promise<void> {
    const { conversation, options } = this;
    // Nothing to write and the stored seq still far ahead: what the frames announce is stored.
    if (!conversation.dirty && conversation.seq < this.storedSeq - SEQ_BLOCK / 2) {
      conversation.markDurable(conversation.seq);
      return;
    }
    const fence = options.fence?.();
    if (options.fence && fence === undefined) return this.leaseLost();
    const { snapshot, seq } = conversation.takeChanges();
    const started = performance.now();
    try {
      await options.store.applyChanges(conversation.id, { ...snapshot.changes, seq: seq + SEQ_BLOCK, ...(fence !== undefined ? { fence } : {}) });
      this.lastCostMs = performance.now() - started;
      this.storedSeq = seq + SEQ_BLOCK;
      conversation.written(snapshot, seq);
      if (snapshot.changes.titleChanged) options.onTitleStored?.();
      if (this.failures) {
        this.failures = 0;
        options.log.info(`conversation ${conversation.id} is stored again`);
        conversation.setStorageError(undefined);
      }
    } catch (error) {
      if (error instanceof LeaseLostError) {
        options.log.warn(error.message);
        return this.leaseLost();
      }
      this.failures += 1;
      const reason = describeStorageFailure(error);
      if (this.failures === 1) options.log.error(`could not store conversation ${conversation.id}; retrying`, error);
      conversation.setStorageError(`Changes to this conversation could not be saved (${reason}); Talkbook keeps trying.`);
      if (!this.closed) this.changed(false);
    }
  }

  private leaseLost(): void {
    this.close();
    this.options.onLeaseLost?.();
  }

  /** Stop writing (the conversation was deleted); a write under way finishes. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * How long to wait before writing changes no frame waits for: `baseMs`, or 40 times what the
 * last write took (a cell streaming megabytes is written less often, so writing costs at most
 * about 2.5 % of the server's time); never more than 5 s.
 */
export function saveDelay(baseMs: number, lastCostMs: number): number {
  return Math.min(Math.max(baseMs, 40 * lastCostMs), Math.max(baseMs, 5000));
}
