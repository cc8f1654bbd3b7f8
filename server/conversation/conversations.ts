import { NotFoundError, PublicError } from '../errors.ts';
import type { ListChange, ListEvents } from '../events/list-events.ts';
import { newId } from '../ids.ts';
import { KernelBudget } from '../kernel/kernel-budget.ts';
import type { Logger } from '../log.ts';
import type { Cell, CodeCell, ConversationList } from '../protocol/index.ts';
import { SEQ_BLOCK, type ConversationStore, type ListQuery, type StoredConversation } from '../store/store.ts';
import { ConversationPersister } from './conversation-persister.ts';
import { ConversationRuntime, type RuntimeDeps } from './conversation-runtime.ts';
import { Conversation } from './conversation.ts';
import { listItem } from './list-item.ts';
import { branchCells, branchSource } from './branch-conversation.ts';
import type { LeaseKeeper } from './conversation-lease.ts';
import { markInterrupted, type LoadedConversation } from './unfinished-cells.ts';

export interface ConversationsOptions {
  store: ConversationStore;
  runtime: RuntimeDeps;
  log: Logger;
  maxCellOutputBytes: number;
  /** Remove a deleted conversation's files. */
  deleteWorkspace?(id: string): Promise<void>;
  /** Debounce for writing changes no frame waits for (default 250 ms). */
  saveDelayMs?: number;
  /** Shut a kernel down after this long without a turn (default 60 minutes). */
  kernelIdleMs?: number;
  /** At most this many live kernels; the least recently used idle one makes room (default 64). */
  maxKernels?: number;
  /** At most this many live kernels per owner (TALKBOOK_MAX_KERNELS_PER_USER; default none). */
  maxKernelsPerUser?: number | undefined;
  /** A loaded conversation with no socket, no kernel and no turn is let go after this long (default 5 minutes). */
  unloadAfterMs?: number;
  /** Started kernels for new conversations: `take` gives the id of one of `kernelName`, if ready. */
  pool?: { take(kernelName: string): string | undefined };
  /** Told of a conversation created, renamed (once stored) or deleted, for the tabs' lists. */
  events?: ListEvents;
  /** Many servers on one PostgreSQL: the leases this server holds (see conversation-lease.ts). */
  leases?: LeaseKeeper;
}

interface Loaded {
  runtime: ConversationRuntime;
  persister: ConversationPersister;
  /** Open sockets on it. */
  users: number;
  lastUsed: number;
}

/**
 * The conversations: in the store, and in memory only while open. Nothing is read at start; a
 * conversation is loaded on first use (its socket, a request, the assistant) and let go when no
 * socket used it for a while and it holds no kernel, so memory follows what is open, not what
 * is stored.
 */
export class Conversations {
  private readonly loaded = new Map<string, Loaded>();
  private readonly loading = new Map<string, Promise<Loaded | undefined>>();
  private readonly options: ConversationsOptions;
  private readonly budget: KernelBudget;
  private readonly sweeper: NodeJS.Timeout;
  private readonly movedListeners = new Set<(id: string) => void>();

  constructor(options: ConversationsOptions) {
    this.options = options;
    this.budget = new KernelBudget({
      holders: () => [...this.loaded.values()].map((entry) => entry.runtime),
      idleMs: options.kernelIdleMs,
      maxKernels: options.maxKernels,
      maxKernelsPerUser: options.maxKernelsPerUser,
      log: options.log,
    });
    const unloadAfter = options.unloadAfterMs ?? 5 * 60_000;
    this.sweeper = setInterval(() => void this.unloadIdle(unloadAfter), Math.min(60_000, Math.max(1000, unloadAfter / 2)));
    this.sweeper.unref();
  }

  /** A page of conversations, newest first; with `q`, those whose text matches, each with a snippet. */
  async list(query: ListQuery): Promise<ConversationList> {
    const page = await this.options.store.listConversations(query);
    const items = page.items.map((row) => listItem(row, this.loaded.get(row.id)?.runtime.conversation));
    return { items, nextCursor: page.nextCursor };
  }

  /** The conversation, loaded if it is not; `NotFoundError` when there is none. */
  async get(id: string): Promise<ConversationRuntime> {
    const entry = await this.load(id);
    if (!entry) throw new NotFoundError('Conversation');
    entry.lastUsed = Date.now();
    return entry.runtime;
  }

  async exists(id: string): Promise<boolean> {
    return this.loaded.has(id) || (await this.options.store.conversationExists(id));
  }

  /** A socket uses the conversation: it stays loaded until `release` is called (and a while after). */
  async use(id: string): Promise<{ runtime: ConversationRuntime; release(): void }> {
    const entry = await this.load(id);
    if (!entry) throw new NotFoundError('Conversation');
    entry.users += 1;
    let released = false;
    return {
      runtime: entry.runtime,
      release: () => {
        if (released) return;
        released = true;
        entry.users -= 1;
        entry.lastUsed = Date.now();
      },
    };
  }

  /** Every change of the conversation stored (for answers that must not run ahead of the store). */
  async durable(id: string): Promise<void> {
    await this.loaded.get(id)?.persister.flush();
  }

  /**
   * A new conversation; `cells` (e.g. from an imported notebook) start it off. It is stored
   * before anything else sees it: a conversation that could not be stored does not exist.
   */
  async create(input: { title?: string | undefined; kernel: string; cells?: Cell[]; ownerId?: string | null }): Promise<Conversation> {
    const now = new Date().toISOString();
    // A pooled kernel was started for this id, in its workspace: the conversation takes the id
    // (not when its owner is at their kernel cap: the first run then makes room or is refused).
    const pooled = this.budget.atOwnerCap(input.ownerId) ? undefined : this.options.pool?.take(input.kernel);
    const stored: StoredConversation = {
      id: pooled ?? newId(),
      title: input.title ?? 'New conversation',
      kernel: input.kernel,
      createdAt: now,
      updatedAt: now,
      seq: 0,
      ownerId: input.ownerId ?? null,
      cells: input.cells ?? [],
    };
    try {
      await this.options.store.createConversation({ ...stored, seq: SEQ_BLOCK });
    } catch (error) {
      if (pooled) void this.options.runtime.kernels.discard(pooled).catch(() => undefined);
      this.options.log.error('could not store a new conversation', error);
      throw new PublicError('The conversation could not be saved, so it was not created (the error was logged). Try again; if it keeps failing, check the disk or the database.', 503, { cause: error });
    }
    // Many servers: stored, not held; the server its requests are routed to takes it on first use.
    if (this.options.leases?.shared) {
      this.options.events?.emit(createdEvent(stored));
      return new Conversation(stored, { maxCellOutputBytes: this.options.maxCellOutputBytes, onChange: () => undefined });
    }
    const entry = this.adopt(stored);
    this.options.events?.emit(createdEvent(stored));
    if (pooled) {
      // Its kernel is live already: keep under the cap as a first run would (in the background).
      void this.budget.makeRoom(pooled).catch((error: unknown) => this.options.log.warn('making room for a pooled kernel failed', error));
    }
    return entry.runtime.conversation;
  }

  /**
   * Branch a conversation at `cellId` (issue 19): a new conversation with the cells up to that
   * one, its kernel restored from that cell's checkpoint (or the newest before it) and its
   * workspace from that checkpoint's files, in its first turn. The original is left as it is.
   * The branch belongs to `ownerId`, the person who made it: an editor's branch is the editor's own.
   */
  async branch(id: string, cellId: string, ownerId: string | null): Promise<Conversation> {
    const source = await this.get(id);
    const cells = branchCells(source.conversation.cells, cellId);
    const title = source.conversation.title;
    const created = await this.create({ title: `${title.length > 50 ? `${title.slice(0, 49)}…` : title} (branch)`, kernel: source.conversation.kernel, cells, ownerId });
    const branch = await this.get(created.id);
    const copy = branchSource(source, this.options.runtime.kernels);
    void branch
      .startBranch({ conversationId: id, cellId, title }, copy)
      .catch((error: unknown) => this.options.log.warn(`the branch ${created.id} of ${id} was not restored`, error))
      .finally(() => void copy.close());
    return created;
  }

  /**
   * Delete a conversation: its turns stop, its workspace is removed while its kernel still runs
   * (on a gateway the kernel is what removes it), then the kernel is shut down.
   */
  async delete(id: string): Promise<void> {
    const runtime = await this.get(id);
    const entry = this.loaded.get(id)!;
    // Whom to tell, read while the shares still exist.
    const audience = this.options.events ? await this.audienceOf(id, runtime.conversation.ownerId) : [];
    await runtime.stop();
    await this.options.deleteWorkspace?.(id).catch((error: unknown) => this.options.log.warn(`could not delete the workspace of ${id}`, error));
    entry.persister.close();
    this.loaded.delete(id);
    await runtime.close();
    await this.options.store.deleteConversation(id);
    this.options.events?.emit({ kind: 'deleted', conversationId: id, audience });
  }

  /** Its owner and whoever it is shared with; only the owner when the shares cannot be read (the database is down). */
  private async audienceOf(id: string, ownerId: string | null): Promise<string[]> {
    const shares = await this.options.store.accounts.sharesOf(id).catch((error: unknown) => {
      this.options.log.warn(`could not read the shares of ${id}: their tabs see its deletion at their next refresh`, error);
      return [];
    });
    return [...(ownerId ? [ownerId] : []), ...shares.map((share) => share.userId)];
  }

  /** Told when a conversation moved to another server (its lease was lost): its sockets close. */
  onMoved(listener: (id: string) => void): () => void {
    this.movedListeners.add(listener);
    return () => this.movedListeners.delete(listener);
  }

  /**
   * Another server holds the conversation now: it stops here at once (no write, no turn), its
   * kernel let go of but left running for the new holder, its sockets told to reconnect.
   */
  leaseLost(id: string): void {
    const entry = this.loaded.get(id);
    if (!entry) return;
    this.loaded.delete(id);
    entry.persister.close();
    void entry.runtime.detach('Another Talkbook server took this conversation over; the cell goes on there.').catch((error: unknown) => this.options.log.warn(`could not let go of ${id}`, error));
    for (const listener of this.movedListeners) listener(id);
  }

  /**
   * SIGTERM with many servers: take no more conversations, store everything, let go of the
   * kernels without shutting them down and release the leases, so other servers take over at once.
   */
  async drain(): Promise<void> {
    const leases = this.options.leases;
    leases?.drain();
    clearInterval(this.sweeper);
    this.budget.close();
    await this.flush();
    for (const [id, entry] of this.loaded) {
      entry.persister.close();
      await entry.runtime.detach('This Talkbook server is shutting down; another one takes the conversation over.').catch(() => undefined);
      await leases?.release(id);
      for (const listener of this.movedListeners) listener(id);
    }
    this.loaded.clear();
  }

  /** Every kernel is gone (the Jupyter server restarted). */
  kernelsLost(reason: string): void {
    for (const entry of this.loaded.values()) entry.runtime.kernelLost(reason);
  }

  /** The conversations holding a live kernel now, with their owners (the admin page). */
  liveKernels(): Array<{ conversationId: string; title: string; ownerId: string | null; busy: boolean; lastActive: number }> {
    return [...this.loaded.values()]
      .map((entry) => entry.runtime)
      .filter((runtime) => runtime.hasKernel)
      .map((runtime) => ({ conversationId: runtime.id, title: runtime.conversation.title, ownerId: runtime.ownerId, busy: runtime.busy, lastActive: runtime.lastActive }));
  }

  /** Shut down kernels idle longer than TALKBOOK_KERNEL_IDLE_MINUTES (also done every so often). */
  shutDownIdle(): Promise<void> {
    return this.budget.shutDownIdle();
  }

  /** Write everything that changed, now. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.loaded.values()].map((entry) => entry.persister.flush()));
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.budget.close();
    await Promise.allSettled([...this.loaded.values()].map((entry) => entry.runtime.close()));
    await this.flush();
    for (const entry of this.loaded.values()) entry.persister.close();
  }

  /** How many conversations are in memory (for tests and the benchmark). */
  get loadedCount(): number {
    return this.loaded.size;
  }

  /** Let go of conversations nobody uses: no socket for `afterMs`, no kernel, no turn, all stored. */
  async unloadIdle(afterMs: number): Promise<void> {
    const cutoff = Date.now() - afterMs;
    for (const [id, entry] of this.loaded) {
      const { runtime } = entry;
      if (entry.users > 0 || entry.lastUsed > cutoff || runtime.busy || runtime.hasKernel) continue;
      await entry.persister.flush();
      if (runtime.conversation.dirty || entry.users > 0 || runtime.busy || runtime.hasKernel) continue;
      entry.persister.close();
      this.loaded.delete(id);
      await this.options.leases?.release(id);
    }
  }

  private load(id: string): Promise<Loaded | undefined> {
    const { leases, store } = this.options;
    // Held no more (paused past its lease): let go of here before anything uses it.
    if (leases?.shared && this.loaded.has(id) && leases.fence(id) === undefined) this.leaseLost(id);
    const entry = this.loaded.get(id);
    if (entry) return Promise.resolve(entry);
    let pending = this.loading.get(id);
    if (!pending) {
      pending = (async () => {
        // Another live server holds it: NotHolderError (503, Retry-After), before anything is read.
        await leases?.acquire(id);
        const stored = await store.loadConversation(id);
        if (!stored) return undefined;
        const running = leases?.shared ? (await store.leases.kernel(id))?.runningMsgId : undefined;
        return this.loaded.get(id) ?? this.adopt(markInterrupted(stored, running ?? undefined));
      })().finally(() => this.loading.delete(id));
      this.loading.set(id, pending);
    }
    return pending;
  }

  private adopt(stored: LoadedConversation): Loaded {
    const { leases } = this.options;
    let persister: ConversationPersister | undefined;
    const conversation = new Conversation(stored, {
      maxCellOutputBytes: this.options.maxCellOutputBytes,
      onChange: (urgent) => persister?.changed(urgent),
    });
    persister = new ConversationPersister(conversation, {
      store: this.options.store,
      log: this.options.log,
      onTitleStored: () => this.options.events?.emit({ kind: 'renamed', conversationId: conversation.id }),
      ...(this.options.saveDelayMs !== undefined ? { delayMs: this.options.saveDelayMs } : {}),
      ...(leases?.shared ? { fence: () => leases.fence(stored.id), onLeaseLost: () => this.leaseLost(stored.id) } : {}),
    });
    const runtime = new ConversationRuntime(conversation, {
      ...this.options.runtime,
      makeRoom: (id) => this.budget.makeRoom(id),
      ...(leases?.shared ? { assertHeld: (id: string) => leases.assertHeld(id) } : {}),
    });
    const entry: Loaded = { runtime, persister, users: 0, lastUsed: Date.now() };
    this.loaded.set(conversation.id, entry);
    // Cells that were running when the server stopped did not finish: say so, and store it.
    for (const cellId of stored.interrupted ?? []) {
      conversation.updateCell<CodeCell>(cellId, { status: 'interrupted', failure: 'The server stopped while this cell was running.' });
    }
    // Taken over while a cell ran: it goes on here, in the same kernel, with what Jupyter kept.
    if (stored.following) runtime.followRunning(stored.following.cellId, stored.following.msgId);
    return entry;
  }
}

/**
 * A new conversation is its owner's alone: the event names them, so a server that reads who may
 * see it only later (a relayed event, a share made meanwhile) cannot send it to someone else.
 */
function createdEvent(stored: StoredConversation): ListChange {
  return { kind: 'created', conversationId: stored.id, ...(stored.ownerId ? { audience: [stored.ownerId] } : {}) };
}
