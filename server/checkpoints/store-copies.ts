import { errorMessage } from '../errors.ts';
import { checkpointEngine } from '../kernel/checkpoint-engines.ts';
import { checkpointManifest, exportCheckpoint, importCheckpoint, listCheckpoints, readCheckpointBlob } from '../kernel/kernel-checkpoints.ts';
import type { KernelSession } from '../kernel/kernel-session.ts';
import type { Logger } from '../log.ts';
import type { CheckpointStore } from '../store/checkpoints.ts';
import { CHECKPOINT_CHUNK_BYTES } from '../store/checkpoints.ts';
import type { CheckpointSource } from '../conversation/restore/checkpoint-restore.ts';
import { thinningOrder } from './thinning-order.ts';

export interface StoreCopiesOptions {
  store: CheckpointStore;
  /** TALKBOOK_CHECKPOINT_MB: each conversation's stored copies are thinned to it, as its folder is. */
  budgetMb: number;
  /** Whether kernels keep their checkpoints where this server cannot see them (a gateway: no contents API). */
  remote(): Promise<boolean>;
  log: Logger;
  /** Stored checkpoints never thinned, newest first (default 8, as in the folder). */
  keepRecent?: number;
}

/**
 * Checkpoints copied from kernels into Talkbook's store (issue 19), for kernels whose disk may
 * not last: after every checkpoint of a remote kernel (a gateway pod loses its disk with the
 * pod), and before any kernel hibernates. Only the blobs the store lacks travel (blobs are named
 * by content), read from the kernel over its comm; the manifest goes last. A restore on a kernel
 * that lacks a checkpoint (a new pod) gets it back from here (`source`), again sending only the
 * blobs that kernel lacks. Copies of one conversation run one after another, in the background
 * of its turns; a failed copy is logged, never a cell's failure.
 */
export class StoreCheckpointCopies {
  private readonly options: StoreCopiesOptions;
  private readonly queues = new Map<string, Promise<void>>();

  constructor(options: StoreCopiesOptions) {
    this.options = options;
  }

  /** A checkpoint was saved: copy it into the store when the kernel is remote (in the background). */
  saved(conversationId: string, session: KernelSession, id: string): void {
    void this.enqueue(conversationId, async () => {
      if (await this.options.remote()) await this.copy(conversationId, session, id);
    });
  }

  /** The kernel is about to hibernate: its newest checkpoint (and the one before it) into the store, waited for. */
  async beforeHibernate(conversationId: string, session: KernelSession): Promise<void> {
    await this.enqueue(conversationId, async () => {
      if (!(await checkpointEngine(session))) return;
      const listed = await listCheckpoints(session);
      const head = listed.checkpoints.find((checkpoint) => checkpoint.id === listed.head) ?? listed.checkpoints.at(-1);
      if (!head) return;
      if (head.parent && listed.checkpoints.some((checkpoint) => checkpoint.id === head.parent)) await this.copy(conversationId, session, head.parent);
      await this.copy(conversationId, session, head.id);
    });
  }

  /** Every copy started so far has ended (before the server's kernels are shut down). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.queues.values()]);
  }

  /** Where a kernel gets the stored checkpoints it lacks (restore, undo). */
  source(conversationId: string): CheckpointSource {
    return {
      provide: async (session, id) => {
        const given = await this.give(conversationId, session, id);
        if (!given) return false;
        // The checkpoint before it too, so the cell it was saved after can be undone.
        const parent = given.parent;
        if (parent) await this.give(conversationId, session, parent).catch(() => undefined);
        return true;
      },
    };
  }

  private async give(conversationId: string, session: KernelSession, id: string): Promise<{ parent: string | null } | undefined> {
    const stored = await this.options.store.checkpoint(conversationId, id);
    if (!stored) return undefined;
    const manifest = checkpointManifest.safeParse(stored.manifest);
    if (!manifest.success) throw new Error(`the stored checkpoint ${id} is not a manifest this Talkbook reads`);
    const { store } = this.options;
    await importCheckpoint(session, { checkpoint: manifest.data, blobs: stored.blobs }, (hash) => store.readBlob(hash));
    return { parent: manifest.data.parent };
  }

  private enqueue(conversationId: string, work: () => Promise<void>): Promise<void> {
    const { log } = this.options;
    const next = (this.queues.get(conversationId) ?? Promise.resolve())
      .then(work)
      .catch((error: unknown) => log.warn(`could not copy a checkpoint of ${conversationId} into the store: ${errorMessage(error)}`));
    this.queues.set(conversationId, next);
    void next.finally(() => {
      if (this.queues.get(conversationId) === next) this.queues.delete(conversationId);
    });
    return next;
  }

  /** Checkpoint `id` of the kernel into the store: the blobs it lacks, then the manifest; then thin. */
  private async copy(conversationId: string, session: KernelSession, id: string): Promise<void> {
    const { store } = this.options;
    if (await store.hasCheckpoint(conversationId, id)) return;
    const exported = await exportCheckpoint(session, id);
    const missing = new Set(await store.missingBlobs(exported.blobs.map((blob) => blob.hash)));
    for (const blob of exported.blobs) {
      if (missing.has(blob.hash)) await store.putBlob(blob, readCheckpointBlob(session, blob, { chunkBytes: CHECKPOINT_CHUNK_BYTES }));
    }
    await store.putCheckpoint(conversationId, id, exported.checkpoint, exported.blobs.map((blob) => blob.hash));
    await this.thin(conversationId, new Set([id, ...(exported.checkpoint.parent ? [exported.checkpoint.parent] : [])]));
  }

  /** Drop old stored checkpoints until the conversation's copies fit TALKBOOK_CHECKPOINT_MB. */
  private async thin(conversationId: string, protectedIds: ReadonlySet<string>): Promise<void> {
    const { store } = this.options;
    const budget = this.options.budgetMb * 1024 * 1024;
    if ((await store.usage(conversationId)) <= budget) return;
    const ids = (await store.list(conversationId)).map((row) => row.id);
    for (const id of thinningOrder(ids, this.options.keepRecent ?? 8, protectedIds)) {
      await store.drop(conversationId, id);
      if ((await store.usage(conversationId)) <= budget) return;
    }
  }
}
