import {
  appendOutput,
  clearOutput,
  displayIdOf,
  outputWeight,
  updateDisplay,
  type Cell,
  type CodeCell,
  type ConversationDetail,
  type ConversationSummary,
  type KernelState,
  type Output,
  type ServerFrame,
  type UnsequencedFrame,
} from '../protocol/index.ts';
import type { StoredConversation } from '../store/conversation-store.ts';
import { FrameLog, type LoggedFrame } from './frame-log.ts';
import { hasRestorableState } from './restore/replay-plan.ts';

export interface ConversationHooks {
  /** Persist soon (debounced by the owner). */
  changed(conversation: Conversation): void;
}

/**
 * One conversation's state and its frame stream. Every change goes through here, so what is
 * stored, what `GET` returns and what the sockets see can never disagree. Outputs are kept in
 * nbformat shape with the same stream/clear/update rules the client applies.
 */
export class Conversation {
  readonly id: string;
  title: string;
  readonly kernel: string;
  readonly createdAt: string;
  updatedAt: string;
  kernelState: KernelState | undefined;
  /** The kernel lost the state this conversation's code built (not persisted: derived at load). */
  stateLost: boolean;
  private cellList: Cell[];
  private readonly index = new Map<string, number>();
  private seqValue: number;
  private readonly log = new FrameLog();
  private readonly listeners = new Set<(entry: LoggedFrame) => void>();
  private readonly pendingClear = new Set<string>();
  /** What each code cell's outputs weigh against the cap (computed on first use). */
  private readonly outputBytes = new Map<string, number>();
  private displayIndex: Map<string, Set<string>> | undefined;
  private readonly hooks: ConversationHooks;
  readonly maxCellOutputBytes: number;

  constructor(stored: StoredConversation, hooks: ConversationHooks, maxCellOutputBytes: number) {
    this.id = stored.id;
    this.title = stored.title;
    this.kernel = stored.kernel;
    this.createdAt = stored.createdAt;
    this.updatedAt = stored.updatedAt;
    this.seqValue = stored.seq;
    this.cellList = stored.cells;
    this.cellList.forEach((cell, i) => this.index.set(cell.id, i));
    // Loaded from disk, no kernel holds what its code built yet.
    this.stateLost = hasRestorableState(this.cellList);
    this.hooks = hooks;
    this.maxCellOutputBytes = maxCellOutputBytes;
  }

  get seq(): number {
    return this.seqValue;
  }

  get cells(): readonly Cell[] {
    return this.cellList;
  }

  cell(id: string): Cell | undefined {
    const i = this.index.get(id);
    return i === undefined ? undefined : this.cellList[i];
  }

  summary(): ConversationSummary {
    return {
      id: this.id,
      title: this.title,
      kernel: this.kernel,
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
      ...(this.kernelState ? { kernelState: this.kernelState } : {}),
    };
  }

  detail(): ConversationDetail {
    return { ...this.summary(), cells: this.cellList, seq: this.seqValue, ...(this.stateLost ? { stateLost: true } : {}) };
  }

  toStored(): StoredConversation {
    return {
      version: 1,
      id: this.id,
      title: this.title,
      kernel: this.kernel,
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
      seq: this.seqValue,
      cells: this.cellList,
    };
  }

  // ---- frames ---------------------------------------------------------------------------

  subscribe(listener: (entry: LoggedFrame) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Frames after `after`, or `undefined` if the log no longer holds them all. */
  framesAfter(after: number): LoggedFrame[] | undefined {
    return this.log.after(after, this.seqValue);
  }

  emit(frame: UnsequencedFrame): void {
    this.seqValue += 1;
    const sequenced = { ...frame, seq: this.seqValue } as ServerFrame;
    const entry: LoggedFrame = { seq: this.seqValue, frame: sequenced, json: JSON.stringify(sequenced) };
    this.log.push(entry);
    for (const listener of this.listeners) listener(entry);
  }

  private touch(): void {
    this.updatedAt = new Date().toISOString();
    this.hooks.changed(this);
  }

  // ---- changes --------------------------------------------------------------------------

  rename(title: string): void {
    this.title = title;
    this.emit({ type: 'title', title });
    this.touch();
  }

  /** A conversation still called "New conversation" takes its first question as its title. */
  titleFromQuestion(text: string): void {
    if (this.title !== 'New conversation') return;
    const line = text.trim().split('\n')[0]!.replace(/\s+/g, ' ');
    if (line) this.rename(shortTitle(line));
  }

  /**
   * A conversation that starts with code, not a question, is named after the code's first
   * comment (`# Load the March sales` → "Load the March sales"), if it has one.
   */
  titleFromCode(code: string): void {
    if (this.title !== 'New conversation') return;
    const comment = firstComment(code);
    if (comment) this.rename(shortTitle(comment));
  }

  setKernelState(state: KernelState): void {
    if (this.kernelState === state) return;
    this.kernelState = state;
    this.emit({ type: 'kernel', state });
  }

  /** Every loss is announced, even when already lost: what a partial restore built is gone too. */
  setStateLost(lost: boolean): void {
    if (this.stateLost === lost && !lost) return;
    this.stateLost = lost;
    this.emit({ type: 'state', lost });
  }

  addCell<C extends Cell>(cell: C): C {
    this.index.set(cell.id, this.cellList.length);
    this.cellList.push(cell);
    this.emit({ type: 'cell', cell });
    this.touch();
    return cell;
  }

  /** Remove a cell and announce it. What it ran stays in the kernel; it is only forgotten here. */
  removeCell(id: string): void {
    const i = this.index.get(id);
    if (i === undefined) throw new Error(`no cell ${id}`);
    this.cellList.splice(i, 1);
    this.index.clear();
    this.cellList.forEach((cell, at) => this.index.set(cell.id, at));
    this.pendingClear.delete(id);
    this.outputBytes.delete(id);
    this.emit({ type: 'cell_deleted', cellId: id });
    this.touch();
  }

  /** Replace fields of a cell and announce it. */
  updateCell<C extends Cell>(id: string, patch: Partial<C>): C {
    const i = this.index.get(id);
    if (i === undefined) throw new Error(`no cell ${id}`);
    const next = { ...this.cellList[i]!, ...patch } as Cell;
    this.cellList[i] = next;
    this.emit({ type: 'cell', cell: next });
    this.touch();
    return next as C;
  }

  appendText(cellId: string, delta: string): void {
    const i = this.index.get(cellId);
    const cell = i === undefined ? undefined : this.cellList[i];
    if (!cell || (cell.kind !== 'assistant' && cell.kind !== 'user')) throw new Error(`no text cell ${cellId}`);
    this.cellList[i!] = { ...cell, text: cell.text + delta };
    this.emit({ type: 'text', cellId, delta });
    this.touch();
  }

  /**
   * Append an output to a code cell through the shared output model (stream merging with `\r`
   * and `\b`, a pending `clear_output(wait)`), so what is stored is what the page shows. Past
   * the per-cell cap the output is dropped and the cell marked `outputTruncated`. Returns false
   * when dropped.
   */
  appendOutput(cellId: string, output: Output): boolean {
    // Jupyter's rule: a display whose id is already shown updates those outputs, wherever they
    // are (each charged to its own cell), and is itself added.
    const displayId = displayIdOf(output);
    if (displayId) this.updateDisplay(displayId, output);
    const clearPending = this.pendingClear.delete(cellId);
    const cell = this.codeCell(cellId);
    const used = clearPending ? 0 : this.usedBytes(cell);
    const weight = outputWeight(output);
    if (used + weight > this.maxCellOutputBytes) {
      if (clearPending) this.setOutputs(cellId, [], 0);
      this.markTruncated(cellId);
      return false;
    }
    if (displayId) this.indexDisplay(displayId, cellId);
    const { outputs } = appendOutput({ outputs: cell.outputs, clearPending }, output);
    this.setOutputs(cellId, outputs, used + weight);
    this.emit({ type: 'output', cellId, output });
    this.touch();
    return true;
  }

  clearOutput(cellId: string, wait: boolean): void {
    const cell = this.codeCell(cellId);
    if (wait) this.pendingClear.add(cellId);
    else {
      this.pendingClear.delete(cellId);
      if (cell.outputs.length) this.setOutputs(cellId, clearOutput({ outputs: cell.outputs, clearPending: false }, false).outputs, 0);
    }
    this.emit({ type: 'clear_output', cellId, wait });
    this.touch();
  }

  /**
   * `update_display_data`: every output carrying `displayId`, in any cell, takes the new data —
   * charged to that cell's cap: a cell the update would take past it keeps its old data and is
   * marked `outputTruncated`. One `update_display` frame per cell that changed.
   */
  updateDisplay(displayId: string, output: Output): void {
    if (output.output_type !== 'display_data' && output.output_type !== 'execute_result') return;
    const cellIds = this.displays().get(displayId);
    if (!cellIds) return;
    const update = { data: output.data, metadata: output.metadata };
    const newWeight = outputWeight({ output_type: 'display_data', ...update });
    let changed = false;
    for (const cellId of cellIds) {
      const cell = this.cell(cellId);
      if (!cell || cell.kind !== 'code') {
        cellIds.delete(cellId);
        continue;
      }
      let oldWeight = 0;
      let count = 0;
      for (const existing of cell.outputs) {
        if (displayIdOf(existing) !== displayId) continue;
        count += 1;
        oldWeight += outputWeight(existing);
      }
      if (count === 0) continue;
      const used = this.usedBytes(cell) - oldWeight + count * newWeight;
      if (used > this.maxCellOutputBytes) {
        this.markTruncated(cellId);
        continue;
      }
      this.setOutputs(cellId, updateDisplay(cell.outputs, displayId, output), used);
      this.emit({ type: 'update_display', displayId, cellId, output });
      changed = true;
    }
    if (changed) this.touch();
  }

  /** Start a fresh run of a code cell: nothing pending, nothing charged. */
  resetOutputs(cellId: string): void {
    this.pendingClear.delete(cellId);
    this.outputBytes.set(cellId, 0);
  }

  /** Display id → the cells holding an output with it (built on first use, then kept). */
  private displays(): Map<string, Set<string>> {
    if (!this.displayIndex) {
      this.displayIndex = new Map();
      for (const cell of this.cellList) {
        if (cell.kind !== 'code') continue;
        for (const output of cell.outputs) {
          const id = displayIdOf(output);
          if (id) this.indexDisplay(id, cell.id);
        }
      }
    }
    return this.displayIndex;
  }

  private indexDisplay(displayId: string, cellId: string): void {
    const index = this.displays();
    let cells = index.get(displayId);
    if (!cells) index.set(displayId, (cells = new Set()));
    cells.add(cellId);
  }

  private usedBytes(cell: CodeCell): number {
    let used = this.outputBytes.get(cell.id);
    if (used === undefined) {
      used = 0;
      for (const output of cell.outputs) used += outputWeight(output);
      this.outputBytes.set(cell.id, used);
    }
    return used;
  }

  private markTruncated(cellId: string): void {
    if (!this.codeCell(cellId).outputTruncated) this.updateCell<CodeCell>(cellId, { outputTruncated: true });
  }

  private setOutputs(cellId: string, outputs: Output[], usedBytes: number): void {
    const i = this.index.get(cellId)!;
    this.cellList[i] = { ...(this.cellList[i] as CodeCell), outputs };
    this.outputBytes.set(cellId, usedBytes);
  }

  private codeCell(cellId: string): CodeCell {
    const cell = this.cell(cellId);
    if (!cell || cell.kind !== 'code') throw new Error(`no code cell ${cellId}`);
    return cell;
  }
}

/** At most 60 characters, cut with an ellipsis. */
function shortTitle(line: string): string {
  return line.length > 60 ? `${line.slice(0, 57).trimEnd()}…` : line;
}

/** The text of the first `#` comment line of some code: not a shebang, a magic or a coding line. */
export function firstComment(code: string): string | undefined {
  for (const raw of code.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('#') || line.startsWith('#!') || /^#.*coding[:=]/.test(line)) continue;
    const text = line.replace(/^#+\s*/, '').replace(/\s+/g, ' ').trim();
    if (/[\p{L}\p{N}]/u.test(text)) return text;
  }
  return undefined;
}
