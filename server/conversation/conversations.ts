import { NotFoundError } from '../errors.ts';
import { KernelBudget } from '../kernel/kernel-budget.ts';
import type { Logger } from '../log.ts';
import type { Cell, CodeCell, ConversationSummary } from '../protocol/index.ts';
import type { ConversationStore, StoredConversation } from '../store/conversation-store.ts';
import { newId } from '../ids.ts';
import { Conversation } from './conversation.ts';
import { ConversationRuntime, type RuntimeDeps } from './conversation-runtime.ts';

export interface ConversationsOptions {
  store: ConversationStore;
  runtime: RuntimeDeps;
  log: Logger;
  maxCellOutputBytes: number;
  /** Remove a deleted conversation's files. */
  deleteWorkspace?(id: string): Promise<void>;
  /** Debounce for persisting a changed conversation (default 250 ms). */
  saveDelayMs?: number;
  /** Shut a kernel down after this long without a turn (default 60 minutes). */
  kernelIdleMs?: number;
  /** At most this many live kernels; the least recently used idle one makes room (default 64). */
  maxKernels?: number;
  /** Started kernels for new conversations: `take` gives the id of one of `kernelName`, if ready. */
  pool?: { take(kernelName: string): string | undefined };
}

/** All conversations: loaded from the store at start, saved (debounced) after each change. */
export class Conversations {
  private readonly byId = new Map<string, ConversationRuntime>();
  private readonly dirty = new Map<string, NodeJS.Timeout>();
  /** How long the last save of each conversation blocked the event loop (ms). */
  private readonly saveCost = new Map<string, number>();
  private readonly options: ConversationsOptions;

  private readonly budget: KernelBudget;

  private constructor(options: ConversationsOptions) {
    this.options = options;
    this.budget = new KernelBudget({
      holders: () => this.byId.values(),
      idleMs: options.kernelIdleMs,
      maxKernels: options.maxKernels,
      log: options.log,
    });
  }

  static async load(options: ConversationsOptions): Promise<Conversations> {
    const conversations = new Conversations(options);
    for (const stored of await options.store.loadAll()) {
      conversations.adopt(markInterrupted(stored));
    }
    return conversations;
  }

  list(): ConversationSummary[] {
    return [...this.byId.values()]
      .map((runtime) => runtime.conversation.summary())
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.createdAt.localeCompare(a.createdAt));
  }

  get(id: string): ConversationRuntime {
    const runtime = this.byId.get(id);
    if (!runtime) throw new NotFoundError('Conversation');
    return runtime;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** A new conversation; `cells` (e.g. from an imported notebook) start it off. */
  async create(input: { title?: string | undefined; kernel: string; cells?: Cell[] }): Promise<Conversation> {
    const now = new Date().toISOString();
    // A pooled kernel was started for this id, in its workspace: the conversation takes the id.
    const pooled = this.options.pool?.take(input.kernel);
    const runtime = this.adopt({
      version: 1,
      id: pooled ?? newId(),
      title: input.title ?? 'New conversation',
      kernel: input.kernel,
      createdAt: now,
      updatedAt: now,
      seq: 0,
      cells: input.cells ?? [],
    });
    if (pooled) {
      // Its kernel is live already: keep under the cap as a first run would (in the background).
      void this.budget.makeRoom(pooled).catch((error: unknown) => this.options.log.warn('making room for a pooled kernel failed', error));
    }
    await this.options.store.save(runtime.conversation.toStored());
    return runtime.conversation;
  }

  /**
   * Delete a conversation: its turns stop, its workspace is removed while its kernel still runs
   * (on a gateway the kernel is what removes it), then the kernel is shut down.
   */
  async delete(id: string): Promise<void> {
    const runtime = this.get(id);
    await runtime.stop();
    await this.options.deleteWorkspace?.(id).catch((error: unknown) => this.options.log.warn(`could not delete the workspace of ${id}`, error));
    this.byId.delete(id);
    clearTimeout(this.dirty.get(id));
    this.dirty.delete(id);
    this.saveCost.delete(id);
    await runtime.close();
    await this.options.store.remove(id);
  }

  /** Every kernel is gone (the Jupyter server restarted). */
  kernelsLost(reason: string): void {
    for (const runtime of this.byId.values()) runtime.kernelLost(reason);
  }

  /** Save everything that changed, now. */
  async flush(): Promise<void> {
    const ids = [...this.dirty.keys()];
    for (const id of ids) {
      clearTimeout(this.dirty.get(id));
      this.dirty.delete(id);
      const runtime = this.byId.get(id);
      if (runtime) void this.options.store.save(runtime.conversation.toStored());
    }
    await this.options.store.flush();
  }

  async close(): Promise<void> {
    this.budget.close();
    await Promise.allSettled([...this.byId.values()].map((runtime) => runtime.close()));
    await this.flush();
  }

  private adopt(stored: StoredConversation): ConversationRuntime {
    const conversation = new Conversation(stored, { changed: (c) => this.markDirty(c.id) }, this.options.maxCellOutputBytes);
    const runtime = new ConversationRuntime(conversation, { ...this.options.runtime, makeRoom: (id) => this.budget.makeRoom(id) });
    this.byId.set(conversation.id, runtime);
    return runtime;
  }

  private markDirty(id: string): void {
    if (this.dirty.has(id)) return;
    const delay = saveDelay(this.options.saveDelayMs ?? 250, this.saveCost.get(id) ?? 0);
    const timer = setTimeout(() => {
      this.dirty.delete(id);
      const runtime = this.byId.get(id);
      if (!runtime) return;
      // Serializing blocks the event loop: a big conversation is saved less often (saveDelay).
      const started = performance.now();
      const saved = this.options.store.save(runtime.conversation.toStored());
      this.saveCost.set(id, performance.now() - started);
      void saved.catch(() => undefined);
    }, delay);
    timer.unref();
    this.dirty.set(id, timer);
  }
}

/**
 * How long to wait before saving a changed conversation: `baseMs`, or 40 times what its last
 * save blocked the event loop (serializing a 12 MB conversation takes about 25 ms), so saving
 * while output streams costs at most about 2.5 % of the server's time; never more than 5 s.
 */
export function saveDelay(baseMs: number, lastCostMs: number): number {
  return Math.min(Math.max(baseMs, 40 * lastCostMs), Math.max(baseMs, 5000));
}

/** Cells that were queued or running when the server stopped did not finish. */
function markInterrupted(stored: StoredConversation): StoredConversation {
  const cells = stored.cells.map((cell) =>
    cell.kind === 'code' && (cell.status === 'running' || cell.status === 'queued')
      ? ({ ...cell, status: 'interrupted', failure: 'The server stopped while this cell was running.' } satisfies CodeCell)
      : cell,
  );
  return { ...stored, cells };
}
