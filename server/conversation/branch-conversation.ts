import { BadRequestError } from '../errors.ts';
import { exportCheckpoint, importCheckpoint, readCheckpointBlob } from '../kernel/kernel-checkpoints.ts';
import type { KernelSession } from '../kernel/kernel-session.ts';
import type { Kernels } from '../kernel/kernels.ts';
import type { Cell } from '../protocol/index.ts';
import type { ConversationRuntime } from './conversation-runtime.ts';
import type { CheckpointSource } from './restore/checkpoint-restore.ts';

/** Where a branch came from: shown in the branch, with a link back. */
export interface BranchOrigin {
  conversationId: string;
  cellId: string;
  title: string;
}

/**
 * The cells a branch from `cellId` starts with: every cell up to and including it, as they are
 * (ids too: a checkpoint names the cells it was saved after), a run still under way marked as
 * not finished. Throws when the conversation has no such cell.
 */
export function branchCells(cells: readonly Cell[], cellId: string): Cell[] {
  const index = cells.findIndex((cell) => cell.id === cellId);
  if (index < 0) throw new BadRequestError(`There is no cell ${cellId} to branch from.`);
  return structuredClone(cells.slice(0, index + 1)).map((cell) =>
    cell.kind === 'code' && (cell.status === 'running' || cell.status === 'queued') ? { ...cell, status: 'interrupted', failure: 'Still running when the conversation was branched.' } : cell,
  );
}

/**
 * Checkpoints of the conversation branched from, given to the branch's kernel: exported by the
 * source's kernel (its live one, or one started just for this and shut down by `close`) and
 * imported blob by blob, never through Talkbook's disk, so neither kernel reads the other's folder.
 * The checkpoint before it comes too (so the branch's last cell can be undone).
 */
export function branchSource(source: ConversationRuntime, kernels: Kernels): CheckpointSource & { close(): Promise<void> } {
  let started: Promise<KernelSession> | undefined;
  let temporary = false;
  const session = () => {
    started ??= (async () => {
      if (source.hasKernel) return source.workspaceKernel();
      temporary = true;
      return kernels.session(source.id, source.conversation.kernel);
    })();
    return started;
  };
  const copy = async (target: KernelSession, id: string) => {
    const from = await session();
    const exported = await exportCheckpoint(from, id);
    const sizes = new Map(exported.blobs.map((blob) => [blob.hash, blob.size]));
    await importCheckpoint(target, exported, (hash) => readCheckpointBlob(from, { hash, size: sizes.get(hash) ?? 0 }));
    return exported.checkpoint.parent;
  };
  return {
    async provide(target, id) {
      const parent = await copy(target, id);
      if (parent) await copy(target, parent).catch(() => undefined);
      return true;
    },
    async close() {
      // Only a kernel started for the copy goes; the source's own (and whatever it runs) stays.
      if (temporary && !source.busy) await kernels.shutdown(source.id).catch(() => undefined);
    },
  };
}
