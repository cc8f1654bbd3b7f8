import type { WorkspaceFile } from '../files/workspace-files.ts';
import type { InspectResult } from '../kernel/inspect-code.ts';
import type { KernelInfo } from '../kernel/kernel-info.ts';
import type { Author, Cell, CodeCell, NoticeCell } from '../protocol/index.ts';
import type { RestoreReport } from './restore/restore-report.ts';

export type { RestoreReport };

/** Whether the kernel holds what the conversation's code built. */
export interface StateInfo {
  /** Lost (server restart, idle shutdown, kernel death, restart, …) and not fully restored since. */
  lost: boolean;
  /** The last restore since the state was last lost, if there was one. */
  restore?: RestoreReport;
}

/**
 * Everything a turn (a `run`, an `ask`, …) may do to its conversation. Each method emits the
 * frames the clients see and persists the change; a turn never touches frames or the store.
 */
export interface TurnContext {
  readonly conversationId: string;
  /** Aborted when the person cancels the turn (or the conversation is deleted). */
  readonly signal: AbortSignal;
  /** The conversation so far, including cells this turn added. */
  cells(): readonly Cell[];
  addUserCell(text: string): Cell;
  /** A new, empty assistant cell; stream into it with `appendAssistantText`. */
  addAssistantCell(): Cell;
  appendAssistantText(cellId: string, delta: string): void;
  addNotice(level: NoticeCell['level'], text: string): Cell;
  /**
   * Add a code cell and run it in the conversation's kernel, streaming its outputs. Resolves
   * with the finished cell; kernel errors are data (`status: "error"` and an `error` output).
   * Rejects only for infrastructure failures (the kernel could not be started, …).
   */
  executeCode(source: string, author: Author): Promise<CodeCell>;
  /** Run code silently (no cell, no history, no execution count), e.g. to gather context. */
  inspect(code: string): Promise<InspectResult>;
  kernelInfo(): Promise<KernelInfo>;
  listFiles(): Promise<WorkspaceFile[]>;
  /** Whether the kernel's state was lost or restored, and which cells a restore left out. */
  stateInfo(): StateInfo;
  /**
   * Undo the conversation's last code cell not already undone (kernel checkpoints): the kernel
   * and its files go back to the state before it. Resolves with what the conversation said
   * about it; rejects (a `PublicError`) when it cannot be undone.
   */
  undoLastCell(): Promise<string>;
  /** SHA-256 of password answers given in this conversation: variable previews holding one are hidden. */
  secretDigests?(): string[];
}
