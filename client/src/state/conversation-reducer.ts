import { appendOutput, assertNever, clearOutput, updateDisplay, type Cell, type ConversationDetail, type ServerFrame } from '../protocol.ts';
import { initialState, isRestoring, type ConversationState, type RestoreProgress, type Toast } from './conversation-state.ts';

export type ConversationAction =
  | { type: 'loaded'; detail: ConversationDetail }
  | { type: 'frame'; frame: ServerFrame }
  | { type: 'toast'; level: Toast['level']; text: string }
  | { type: 'dismiss'; key: number };

const MAX_TOASTS = 4;

/** Frames (and a few local events) → conversation state. Pure; frames arrive in `seq` order. */
export function conversationReducer(state: ConversationState, action: ConversationAction): ConversationState {
  switch (action.type) {
    case 'loaded':
      return initialState(action.detail);
    case 'toast':
      return addToast(state, action.level, action.text);
    case 'dismiss':
      return { ...state, toasts: state.toasts.filter((toast) => toast.key !== action.key) };
    case 'frame':
      return applyFrame(state, action.frame);
    default:
      return assertNever(action);
  }
}

export function applyFrame(state: ConversationState, frame: ServerFrame): ConversationState {
  // Errors answer one socket and are never replayed: they carry the current seq, so never dedupe them.
  if (frame.type === 'error') return addToast(state, 'error', frame.message);
  if (frame.type === 'reset') {
    return {
      ...state,
      cells: frame.cells,
      seq: frame.seq,
      activeTurns: [],
      pendingClear: {},
      // A restore still running announces itself again with its next `progress` frame.
      restore: undefined,
      stateLost: frame.stateLost ?? state.stateLost,
      stdin: frame.stdin,
    };
  }
  if (frame.seq <= state.seq) return state;
  const next = applySequenced(state, frame);
  return { ...next, seq: frame.seq };
}

function applySequenced(state: ConversationState, frame: Exclude<ServerFrame, { type: 'error' | 'reset' }>) {
  switch (frame.type) {
    case 'turn': {
      if (frame.state === 'started') {
        return state.activeTurns.includes(frame.turnId)
          ? state
          : { ...state, activeTurns: [...state.activeTurns, frame.turnId] };
      }
      const ended = { ...state, activeTurns: state.activeTurns.filter((id) => id !== frame.turnId) };
      return frame.state === 'failed' && frame.error ? addToast(ended, 'error', frame.error) : ended;
    }
    case 'cell': {
      // A cell that stopped takes its prompt with it (its `stdin_done` comes too).
      const stopped = state.stdin?.cellId === frame.cell.id && frame.cell.kind === 'code' && frame.cell.status !== 'running';
      return { ...state, cells: upsertCell(state.cells, frame.cell), ...(stopped ? { stdin: undefined } : {}) };
    }
    case 'stdin':
      return { ...state, stdin: { cellId: frame.cellId, prompt: frame.prompt, password: frame.password } };
    case 'stdin_done':
      return state.stdin?.cellId === frame.cellId ? { ...state, stdin: undefined } : state;
    case 'cell_deleted':
      return { ...state, cells: state.cells.filter((cell) => cell.id !== frame.cellId) };
    case 'output': {
      // The shared output model (server/protocol/output-model.ts): the server stored the same.
      const pending = state.pendingClear[frame.cellId] === true;
      const cells = mapCell(state.cells, frame.cellId, (cell) =>
        cell.kind === 'code' ? { ...cell, outputs: appendOutput({ outputs: cell.outputs, clearPending: pending }, frame.output).outputs } : cell,
      );
      return { ...state, cells, pendingClear: pending ? without(state.pendingClear, frame.cellId) : state.pendingClear };
    }
    case 'clear_output': {
      if (frame.wait) return { ...state, pendingClear: { ...state.pendingClear, [frame.cellId]: true } };
      const cells = mapCell(state.cells, frame.cellId, (cell) =>
        cell.kind === 'code' ? { ...cell, outputs: clearOutput({ outputs: cell.outputs, clearPending: false }, false).outputs } : cell,
      );
      return { ...state, cells, pendingClear: without(state.pendingClear, frame.cellId) };
    }
    case 'update_display': {
      const cells = state.cells.map((cell) => {
        if (cell.kind !== 'code' || (frame.cellId !== undefined && cell.id !== frame.cellId)) return cell;
        const outputs = updateDisplay(cell.outputs, frame.displayId, frame.output);
        return outputs === cell.outputs ? cell : { ...cell, outputs };
      });
      return { ...state, cells };
    }
    case 'text': {
      const cells = mapCell(state.cells, frame.cellId, (cell) =>
        cell.kind === 'assistant' ? { ...cell, text: cell.text + frame.delta } : cell,
      );
      return { ...state, cells };
    }
    case 'kernel':
      return { ...state, kernelState: frame.state };
    case 'title':
      return { ...state, title: frame.title };
    case 'state':
      // A new loss makes the last restore's outcome old news (unless that restore is still running).
      return { ...state, stateLost: frame.lost, restore: frame.lost && !isRestoring(state) ? undefined : state.restore };
    case 'restore':
      return { ...state, restore: restoreProgress(state.restore, frame) };
    case 'storage':
      return { ...state, storageError: frame.ok ? undefined : (frame.message ?? 'The server could not store the latest changes.') };
    default:
      return assertNever(frame);
  }
}

function restoreProgress(previous: RestoreProgress | undefined, frame: Extract<ServerFrame, { type: 'restore' }>): RestoreProgress {
  const sameTurn = previous?.turnId === frame.turnId;
  return {
    turnId: frame.turnId,
    state: frame.state,
    done: frame.done,
    total: frame.total,
    ...(frame.cellId ? { cellId: frame.cellId } : {}),
    skipped: frame.skipped ?? (sameTurn ? previous.skipped : []),
    ...(frame.error ? { error: frame.error } : {}),
  };
}

function upsertCell(cells: readonly Cell[], cell: Cell): readonly Cell[] {
  const index = cells.findIndex((existing) => existing.id === cell.id);
  if (index < 0) return [...cells, cell];
  const next = cells.slice();
  next[index] = cell;
  return next;
}

function mapCell(cells: readonly Cell[], id: string, update: (cell: Cell) => Cell): readonly Cell[] {
  const index = cells.findIndex((cell) => cell.id === id);
  if (index < 0) return cells;
  const next = cells.slice();
  next[index] = update(cells[index]!);
  return next;
}

function without(record: Readonly<Record<string, boolean>>, key: string): Readonly<Record<string, boolean>> {
  if (!(key in record)) return record;
  const { [key]: _removed, ...rest } = record;
  return rest;
}

function addToast(state: ConversationState, level: Toast['level'], text: string): ConversationState {
  const toast = { key: state.nextToastKey, level, text };
  return { ...state, toasts: [...state.toasts, toast].slice(-MAX_TOASTS), nextToastKey: state.nextToastKey + 1 };
}
