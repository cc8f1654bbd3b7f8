import type { Cell } from '../protocol.ts';
import { OutputBoundary } from '../outputs/output-boundary.tsx';
import { CodeCell } from './code-cell.tsx';
import { AssistantCell, NoticeCell, UserCell } from './message-cells.tsx';

export interface CellViewProps {
  cell: Cell;
  /** The last cell while a turn runs: an empty assistant cell shows a typing indicator. */
  streaming: boolean;
  onRun: (code: string, cellId: string) => void;
  onSetNoReplay: (cellId: string, noReplay: boolean) => void;
  /** Absent while a request runs: cells can be deleted only between requests. */
  onDelete: ((cellId: string) => void) | undefined;
  /** The kernel's language, for highlighting code. */
  language?: string | undefined;
  /** A restore is replaying this cell now, or the last restore failed at it. */
  replay: 'replaying' | 'failed' | undefined;
}

/** One cell of the conversation, routed by kind, in its own error boundary. */
export function CellView({ cell, streaming, onRun, onSetNoReplay, onDelete, replay, language }: CellViewProps) {
  return (
    <OutputBoundary what="cell">
      {cell.kind === 'code' ? (
        <CodeCell cell={cell} onRun={onRun} onSetNoReplay={onSetNoReplay} onDelete={onDelete} replay={replay} language={language} />
      ) : cell.kind === 'assistant' ? (
        <AssistantCell cell={cell} streaming={streaming} />
      ) : cell.kind === 'user' ? (
        <UserCell cell={cell} />
      ) : (
        <NoticeCell cell={cell} onDelete={onDelete} />
      )}
    </OutputBoundary>
  );
}
