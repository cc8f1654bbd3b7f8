import { NotFoundError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Cell, CodeCell, ConversationSummary } from '../protocol/index.ts';
import type { ConversationStore, StoredConversation } from '../store/conversation-store.ts';
import { Conversation, newId } from './conversation.ts';
import { ConversationRuntime, type RuntimeDeps } from './conversation-runtime.ts';

export interface ConversationsOptions {
  store: ConversationStore;
  runtime: RuntimeDeps;
  log: Logger;
  maxCellOutputBytes: number;
  /** Debounce for persisting a changed conversation (default 250 ms). */
  saveDelayMs?: number;
}

/** All conversations: loaded from the store at start, saved (debounced) after each change. */
export class Conversations {
  private readonly byId = new Map<string, ConversationRuntime>();
  private readonly dirty = new Map<string, NodeJS.Timeout>();
  private readonly options: ConversationsOptions;

  private constructor(options: ConversationsOptions) {
    this.options = options;
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
    const runtime = this.adopt({
      version: 1,
      id: newId(),
      title: input.title ?? 'New conversation',
      kernel: input.kernel,
      createdAt: now,
      updatedAt: now,
      seq: 0,
      cells: input.cells ?? [],
    });
    await this.options.store.save(runtime.conversation.toStored());
    return runtime.conversation;
  }

  async delete(id: string): Promise<void> {
    const runtime = this.get(id);
    this.byId.delete(id);
    clearTimeout(this.dirty.get(id));
    this.dirty.delete(id);
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
    await Promise.allSettled([...this.byId.values()].map((runtime) => runtime.close()));
    await this.flush();
  }

  private adopt(stored: StoredConversation): ConversationRuntime {
    const conversation = new Conversation(stored, { changed: (c) => this.markDirty(c.id) }, this.options.maxCellOutputBytes);
    const runtime = new ConversationRuntime(conversation, this.options.runtime);
    this.byId.set(conversation.id, runtime);
    return runtime;
  }

  private markDirty(id: string): void {
    if (this.dirty.has(id)) return;
    const timer = setTimeout(() => {
      this.dirty.delete(id);
      const runtime = this.byId.get(id);
      if (runtime) void this.options.store.save(runtime.conversation.toStored()).catch(() => undefined);
    }, this.options.saveDelayMs ?? 250);
    timer.unref();
    this.dirty.set(id, timer);
  }
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
