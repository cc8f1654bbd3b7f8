import type { Logger } from '../log.ts';
import { installCheckpoints, type CheckpointEngineInfo, type CheckpointEngineOptions } from './kernel-checkpoints.ts';
import type { KernelSession } from './kernel-session.ts';

/**
 * Which kernels make checkpoints: the engine is installed once per kernel when it starts
 * (Python kernels only), and anyone holding the session can ask whether it answers. A kernel
 * without the engine (R, or an install that failed) is `undefined`: its state is restored by
 * replay.
 */
const engines = new WeakMap<KernelSession, Promise<CheckpointEngineInfo | undefined>>();

export interface CheckpointSettings {
  /** TALKBOOK_CHECKPOINT_MB; 0 makes no checkpoints. */
  budgetMb: number;
  /**
   * The conversation's checkpoint folder as its kernel sees it, where its sandbox mounted none
   * (a kernel started by our launcher with a checkpoint root uses the folder it was given).
   */
  folderFor(conversationId: string): string;
  log: Logger;
}

/** Install the engine in a freshly started kernel (Python only). Never throws: a failure means no checkpoints. */
export function startCheckpoints(session: KernelSession, conversationId: string, settings: CheckpointSettings): Promise<CheckpointEngineInfo | undefined> {
  const started = (async () => {
    if (settings.budgetMb <= 0) return undefined;
    if ((await session.info()).language !== 'python') return undefined;
    const options: CheckpointEngineOptions = { folder: settings.folderFor(conversationId), budgetMb: settings.budgetMb };
    return await installCheckpoints(session, options);
  })().catch((error: unknown) => {
    settings.log.warn(`kernel checkpoints are off for ${conversationId}: the engine did not start`, error);
    return undefined;
  });
  engines.set(session, started);
  return started;
}

/** The engine of this kernel, once installed; `undefined` when it makes no checkpoints. */
export function checkpointEngine(session: KernelSession): Promise<CheckpointEngineInfo | undefined> {
  return engines.get(session) ?? Promise.resolve(undefined);
}
