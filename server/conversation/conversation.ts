import {
  appendOutput,
  clearOutput,
  displayIdOf,
  outputWeight,
  updateDisplay,
  type Cell,
  type CellBy,
  type CodeCell,
  type ConversationDetail,
  type ConversationSummary,
  type KernelState,
  type Output,
  type ServerFrame,
  type StdinPrompt,
  type UnsequencedFrame,
} from '../protocol/index.ts';
import type { StoredConversation } from '../store/store.ts';
import { titleOfCode, titleOfQuestion } from './conversation-title.ts';
import { DisplayIndex } from './display-index.ts';
import { FrameLog, type LoggedFrame } from './frame-log.ts';
import { PendingChanges, type ChangeSnapshot } from './pending-changes.ts';
import { hasRestorableState } from './restore/replay-plan.ts';

export interface ConversationOptions {
  /** Stored output per cell beyond which further output is dropped (TALKBOOK_MAX_OUTPUT_MB). */
  maxCellOutputBytes: number;
  /** Something changed: write it soon, or now when `urgent` (a frame waits for it to be stored). */
  onChange?(urgent: boolean): void;
}

/**
 * Frames that say something finished — a cell's final state, a turn's end, a cell deleted — are
 * sent only once what they announce is stored: a `done` a tab saw survives the server being
 * killed right after. Everything else (outputs as they stream, text as it is written) is sent
 * at once.
 */
function isCommitPoint(frame: ServerFrame): boolean {
  switch (frame.type) {
    case 'cell':
      return frame.cell.kind !== 'code' || (frame.cell.status !== 'running' && frame.cell.status !== 'queued');
    case 'turn':
      return frame.state !== 'started';
    case 'cell_deleted':
    case 'title':
      return true;
    default:
      return false;
  }
}

/**
 * One conversation's state and its frame stream. Every change goes through here, so what is
 * stored, what `GET` returns and what the sockets see can never disagree. Outputs are kept in
 * nbformat shape by the shared output model (server/protocol/output-model.ts).
 */
export class Conversation {
  readonly id: string;
  title: string;
  readonly kernel: string;
  readonly createdAt: string;
  readonly ownerId: string | null;
  updatedAt: string;
  kernelState: KernelState | undefined;
  /** The kernel lost the state this conversation's code built (not persisted: derived at load). */
  stateLost: boolean;
  /** Why the last write to the store failed, while it keeps failing (retried). */
  storageError: string | undefined;
  /** The prompt a running cell waits on (never stored: it ends with the run). */
  stdinPrompt: StdinPrompt | undefined;
  /** Whom the running turn acts for: cells it adds (and code cells it runs) carry them as `by`. */
  actingFor: CellBy | undefined;
  private cellList: Cell[];
  private readonly index = new Map<string, number>();
  /** Where each cell sits in the store's order (cells are appended; deleting leaves a gap). */
  private readonly positions = new Map<string, number>();
  private nextPosition: number;
  private seqValue: number;
  /** Frames up to here may be sent: what they announce is stored (see `isCommitPoint`). */
  private durableSeqValue: number;
  /** Commit-point frames not yet durable, oldest first. */
  private readonly waiting: number[] = [];
  private readonly log = new FrameLog();
  /** Called with each new frame, and with nothing when held frames may now be sent. */
  private readonly listeners = new Set<(entry: LoggedFrame | undefined) => void>();
  private readonly pendingClear = new Set<string>();
  /** What each code cell's outputs weigh against the cap (computed on first use). */
  private readonly outputBytes = new Map<string, number>();
  private readonly displayIndex = new DisplayIndex(() => this.cellList);
  private readonly changes = new PendingChanges();
  private readonly options: ConversationOptions;
  readonly maxCellOutputBytes: number;

  constructor(stored: StoredConversation, options: ConversationOptions) {
    this.id = stored.id;
    this.title = stored.title;
    this.kernel = stored.kernel;
    this.createdAt = stored.createdAt;
    this.ownerId = stored.ownerId;
    this.updatedAt = stored.updatedAt;
    this.seqValue = stored.seq;
    this.durableSeqValue = stored.seq;
    this.cellList = stored.cells;
    this.cellList.forEach((cell, i) => {
      this.index.set(cell.id, i);
      this.positions.set(cell.id, i);
    });
    this.nextPosition = this.cellList.length;
    // Loaded from the store: no kernel holds what its code built yet.
    this.stateLost = hasRestorableState(this.cellList);
    this.storageError = undefined;
    this.actingFor = undefined;
    this.options = options;
    this.maxCellOutputBytes = options.maxCellOutputBytes;
  }

  get seq(): number {
    return this.seqValue;
  }

  /** The last frame that may be sent (everything it and the frames before it announce is stored). */
  get sendableSeq(): number {
    return this.waiting.length ? this.waiting[0]! - 1 : this.seqValue;
  }

  get cells(): readonly Cell[] {
    return this.cellList;
  }

  cell(id: string): Cell | undefined {
    const i = this.index.get(id);
    return i === undefined ? undefined : this.cellList[i];
  }

  /** The cell's place in the store's order. */
  position(id: string): number {
    return this.positions.get(id) ?? 0;
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
    return {
      ...this.summary(),
      cells: this.cellList,
      seq: this.seqValue,
      ...(this.stateLost ? { stateLost: true } : {}),
      ...(this.storageError ? { storageError: this.storageError } : {}),
      ...(this.stdinPrompt ? { stdin: this.stdinPrompt } : {}),
    };
  }

  /** The whole conversation as the store keeps it. */
  toStored(): StoredConversation {
    return {
      id: this.id,
      title: this.title,
      kernel: this.kernel,
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
      seq: this.seqValue,
      ownerId: this.ownerId,
      cells: this.cellList,
    };
  }

  // ---- the store ---------------------------------------------------------------------------

  /** Changes not yet written. */
  get dirty(): boolean {
    return this.changes.pending;
  }

  /** What to write now (see `ConversationPersister`), with the `seq` it brings the store to. */
  takeChanges(): { snapshot: ChangeSnapshot; seq: number } {
    return { snapshot: this.changes.snapshot(this), seq: this.seqValue };
  }

  /** A write of `takeChanges()` succeeded: frames up to `seq` may go out. */
  written(snapshot: ChangeSnapshot, seq: number): void {
    this.changes.written(snapshot);
    this.markDurable(seq);
  }

  /** Everything up to `seq` is stored (nothing needed writing). */
  markDurable(seq: number): void {
    if (seq <= this.durableSeqValue) return;
    this.durableSeqValue = seq;
    let released = false;
    while (this.waiting.length && this.waiting[0]! <= seq) {
      this.waiting.shift();
      released = true;
    }
    if (released) for (const listener of this.listeners) listener(undefined);
  }

  /** Writing to the store failed (`message`), or works again (undefined): announced to the tabs. */
  setStorageError(message: string | undefined): void {
    if (this.storageError === message) return;
    this.storageError = message;
    this.emit({ type: 'storage', ok: message === undefined, ...(message ? { message } : {}) });
  }

  // ---- frames ---------------------------------------------------------------------------

  /** Each new frame; `undefined` when frames held until stored may now be sent (`sendableSeq`). */
  subscribe(listener: (entry: LoggedFrame | undefined) => void): () => void {
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
    if (isCommitPoint(sequenced)) {
      this.waiting.push(this.seqValue);
      this.options.onChange?.(true);
    }
    for (const listener of this.listeners) listener(entry);
  }

  private touch(): void {
    this.updatedAt = new Date().toISOString();
    this.changes.touch();
    this.options.onChange?.(this.waiting.length > 0);
  }

  private touchCell(id: string, outputs: boolean, urgent = false): void {
    this.changes.cell(id, outputs);
    this.updatedAt = new Date().toISOString();
    this.changes.touch();
    this.options.onChange?.(urgent || this.waiting.length > 0);
  }

  // ---- changes --------------------------------------------------------------------------

  rename(title: string): void {
    this.title = title;
    this.changes.title();
    this.emit({ type: 'title', title });
    this.touch();
  }

  /** A conversation still called "New conversation" takes its first question as its title. */
  titleFromQuestion(text: string): void {
    if (this.title !== 'New conversation') return;
    const title = titleOfQuestion(text);
    if (title) this.rename(title);
  }

  /**
   * A conversation that starts with code, not a question, is named after the code's first
   * comment (`# Load the March sales` → "Load the March sales"), if it has one.
   */
  titleFromCode(code: string): void {
    if (this.title !== 'New conversation') return;
    const title = titleOfCode(code);
    if (title) this.rename(title);
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

  /** A running cell waits for input: every tab shows the prompt (a tab that opens later too, from `detail`). */
  showStdinPrompt(prompt: StdinPrompt): void {
    this.stdinPrompt = prompt;
    this.emit({ type: 'stdin', ...prompt });
  }

  /** The prompt of `cellId` ended (answered, interrupted, timed out, the run ended). */
  endStdinPrompt(cellId: string): void {
    if (this.stdinPrompt?.cellId !== cellId) return;
    this.stdinPrompt = undefined;
    this.emit({ type: 'stdin_done', cellId });
  }

  addCell<C extends Cell>(cell: C): C {
    // A turn acting for someone stamps the cells it adds with them (issue 17).
    if (this.actingFor && cell.kind !== 'notice' && !cell.by) Object.assign(cell, { by: this.actingFor });
    this.index.set(cell.id, this.cellList.length);
    this.positions.set(cell.id, this.nextPosition++);
    this.cellList.push(cell);
    this.emit({ type: 'cell', cell });
    // A new cell is written at once (its frame is not held): a crash while it runs keeps it.
    this.touchCell(cell.id, true, true);
    return cell;
  }

  /** Remove a cell and announce it. What it ran stays in the kernel; it is only forgotten here. */
  removeCell(id: string): void {
    const i = this.index.get(id);
    if (i === undefined) throw new Error(`no cell ${id}`);
    this.cellList.splice(i, 1);
    this.index.clear();
    this.cellList.forEach((cell, at) => this.index.set(cell.id, at));
    this.positions.delete(id);
    this.pendingClear.delete(id);
    this.outputBytes.delete(id);
    this.changes.remove(id);
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
    this.touchCell(id, 'outputs' in patch);
    return next as C;
  }

  appendText(cellId: string, delta: string): void {
    const i = this.index.get(cellId);
    const cell = i === undefined ? undefined : this.cellList[i];
    if (!cell || (cell.kind !== 'assistant' && cell.kind !== 'user')) throw new Error(`no text cell ${cellId}`);
    this.cellList[i!] = { ...cell, text: cell.text + delta };
    this.emit({ type: 'text', cellId, delta });
    this.touchCell(cellId, false);
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
    if (displayId) this.displayIndex.add(displayId, cellId);
    const { outputs } = appendOutput({ outputs: cell.outputs, clearPending }, output);
    this.setOutputs(cellId, outputs, used + weight);
    this.emit({ type: 'output', cellId, output });
    this.touchCell(cellId, true);
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
    this.touchCell(cellId, true);
  }

  /**
   * `update_display_data`: every output carrying `displayId`, in any cell, takes the new data —
   * charged to that cell's cap: a cell the update would take past it keeps its old data and is
   * marked `outputTruncated`. One `update_display` frame per cell that changed.
   */
  updateDisplay(displayId: string, output: Output): void {
    if (output.output_type !== 'display_data' && output.output_type !== 'execute_result') return;
    const cellIds = this.displayIndex.cellsOf(displayId);
    if (!cellIds) return;
    const update = { data: output.data, metadata: output.metadata };
    const newWeight = outputWeight({ output_type: 'display_data', ...update });
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
      this.touchCell(cellId, true);
    }
  }

  /** Start a fresh run of a code cell: nothing pending, nothing charged. */
  resetOutputs(cellId: string): void {
    this.pendingClear.delete(cellId);
    this.outputBytes.set(cellId, 0);
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
