import type { Author, Cell, CodeCell, NoticeCell } from '../protocol/index.ts';
import { newId } from '../ids.ts';
import type { Conversation } from './conversation.ts';
import { hasNoReplayMarker } from './restore/replay-plan.ts';
import type { WorkspaceFile } from '../files/workspace-files.ts';
import type { InspectResult } from '../kernel/inspect-code.ts';
import type { KernelInfo } from '../kernel/kernel-info.ts';
import type { StateInfo, TurnContext } from './turn-context.ts';

/** What a turn's context needs from the runtime that owns the kernel. */
export interface TurnContextOps {
  notice(level: NoticeCell['level'], text: string): Cell;
  /** Run an existing code cell in the conversation's kernel. */
  executeCell(cellId: string, signal: AbortSignal): Promise<CodeCell>;
  inspect(code: string): Promise<InspectResult>;
  kernelInfo(): Promise<KernelInfo>;
  listFiles(): Promise<WorkspaceFile[]>;
  stateInfo(): StateInfo;
  undoLastCell(signal: AbortSignal): Promise<string>;
  secretDigests?(): string[];
}

/** The `TurnContext` of one turn: every change goes through the conversation, so frames and store agree. */
export function makeTurnContext(conversation: Conversation, signal: AbortSignal, ops: TurnContextOps): TurnContext {
  const now = () => new Date().toISOString();
  return {
    conversationId: conversation.id,
    signal,
    cells: () => conversation.cells,
    addUserCell: (text) => conversation.addCell({ id: newId(), kind: 'user', text, createdAt: now() }),
    addAssistantCell: () => conversation.addCell({ id: newId(), kind: 'assistant', text: '', createdAt: now() }),
    appendAssistantText: (cellId, delta) => conversation.appendText(cellId, delta),
    addNotice: (level, text) => ops.notice(level, text),
    executeCode: async (source: string, author: Author) => {
      const cell = conversation.addCell<CodeCell>({
        id: newId(),
        kind: 'code',
        source,
        author,
        status: 'queued',
        executionCount: null,
        outputs: [],
        createdAt: now(),
        ...(hasNoReplayMarker(source) ? { noReplay: true } : {}),
      });
      return ops.executeCell(cell.id, signal);
    },
    inspect: (code) => ops.inspect(code),
    kernelInfo: () => ops.kernelInfo(),
    listFiles: () => ops.listFiles(),
    stateInfo: () => ops.stateInfo(),
    undoLastCell: () => ops.undoLastCell(signal),
    secretDigests: () => ops.secretDigests?.() ?? [],
  };
}
