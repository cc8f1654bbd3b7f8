import { serverFrame, type Cell, type CodeCell, type ConversationDetail, type Output, type ServerFrame } from '../../../client/src/protocol.ts';
import { initialState, type ConversationState } from '../../../client/src/state/conversation-state.ts';

export function codeCell(id: string, outputs: Output[] = [], extra: Partial<CodeCell> = {}): CodeCell {
  return {
    id,
    kind: 'code',
    createdAt: '2024-01-01T00:00:00.000Z',
    source: 'print(1)',
    author: 'user',
    status: 'running',
    executionCount: null,
    outputs,
    ...extra,
  };
}

export function detail(cells: Cell[] = [], seq = 0): ConversationDetail {
  return {
    id: 'c1',
    title: 'Test',
    kernel: 'python3',
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
    cells,
    seq,
  };
}

export function stateWith(cells: Cell[] = [], seq = 0): ConversationState {
  return initialState(detail(cells, seq));
}

export const stdout = (text: string): Output => ({ output_type: 'stream', name: 'stdout', text });
export const stderr = (text: string): Output => ({ output_type: 'stream', name: 'stderr', text });
export const display = (data: Record<string, unknown>, displayId?: string): Output => ({
  output_type: 'display_data',
  data,
  metadata: {},
  ...(displayId ? { transient: { display_id: displayId } } : {}),
});

/** A frame as the server sends it, checked against the wire schema. */
export function frame(seq: number, body: Record<string, unknown>): ServerFrame {
  return serverFrame.parse({ ...body, seq });
}
