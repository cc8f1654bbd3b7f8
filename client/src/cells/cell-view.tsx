import type { Cell } from '../protocol.ts';
import { OutputBoundary } from '../outputs/output-boundary.tsx';
import { CodeCell } from './code-cell.tsx';
import { AssistantCell, NoticeCell, UserCell } from './message-cells.tsx';

export interface CellViewProps {
  cell: Cell;
  /** The last cell while a turn runs: an empty assistant cell shows a typing indicator. */
  streaming: boolean;
  onRun: (code: string, cellId: string) => void;
}

/** One cell of the conversation, routed by kind, in its own error boundary. */
export function CellView({ cell, streaming, onRun }: CellViewProps) {
  return (
    <OutputBoundary what="cell">
      {cell.kind === 'code' ? (
        <CodeCell cell={cell} onRun={onRun} />
      ) : cell.kind === 'assistant' ? (
        <AssistantCell cell={cell} streaming={streaming} />
      ) : cell.kind === 'user' ? (
        <UserCell cell={cell} />
      ) : (
        <NoticeCell cell={cell} />
      )}
    </OutputBoundary>
  );
}
