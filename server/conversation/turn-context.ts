import type { Author, Cell, CodeCell, NoticeCell } from '../protocol/index.ts';
import type { RestoreReport } from './restore-report.ts';

export type { RestoreReport } from './restore-report.ts';

/** What the kernel says about itself (`kernel_info_reply.language_info` and friends). */
export interface KernelInfo {
  kernelName: string;
  language: string;
  languageVersion: string;
  fileExtension: string;
  /** `display_name` of the kernel spec, e.g. "Python 3 (sandboxed)". */
  displayName: string;
}

/** The result of a silent execution: nothing is shown in the conversation or stored. */
export interface InspectResult {
  stdout: string;
  stderr: string;
  /** `text/plain` of the execute_result, if any. */
  result?: string;
  error?: { ename: string; evalue: string };
}

/** Whether the kernel holds what the conversation's code built. */
export interface StateInfo {
  /** Lost (server restart, idle shutdown, kernel death, restart, …) and not fully restored since. */
  lost: boolean;
  /** The last restore since the state was last lost, if there was one. */
  restore?: RestoreReport;
}

export interface WorkspaceFile {
  name: string;
  size: number;
  modified: string;
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
}
