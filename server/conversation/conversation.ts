import { randomBytes } from 'node:crypto';
import {
  appendStreamChunk,
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
import { hasRestorableState } from './replay-plan.ts';

/** 128 random bits, hex: conversation and cell ids. */
export function newId(): string {
  return randomBytes(16).toString('hex');
}

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
  private readonly outputBytes = new Map<string, number>();
  /** Merged stream outputs → whether their text ends with a pending `\r` (see appendStreamChunk). */
  private readonly pendingReturns = new WeakMap<Output, boolean>();
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
   * Append an output to a code cell: consecutive stream outputs of one name merge (with `\r`
   * and `\b` applied); a pending `clear_output(wait)` clears first. Past the per-cell cap the
   * output is dropped and the cell marked `outputTruncated`. Returns false when dropped.
   */
  appendOutput(cellId: string, output: Output): boolean {
    const cell = this.codeCell(cellId);
    const size = output.output_type === 'stream' ? output.text.length : JSON.stringify(output).length;
    let outputs = cell.outputs;
    if (this.pendingClear.delete(cellId)) {
      outputs = [];
      this.outputBytes.set(cellId, 0);
    }
    const used = this.outputBytes.get(cellId) ?? sizeOf(outputs);
    if (used + size > this.maxCellOutputBytes) {
      if (!cell.outputTruncated) this.updateCell<CodeCell>(cellId, { outputs, outputTruncated: true });
      return false;
    }
    this.outputBytes.set(cellId, used + size);
    // Outputs are mutated in place: frames were serialized when emitted, so nothing else holds them.
    if (outputs !== cell.outputs) this.replaceOutputs(cellId, outputs);
    const last = outputs[outputs.length - 1];
    if (output.output_type === 'stream' && last?.output_type === 'stream' && last.name === output.name) {
      // Remembering the pending `\r` keeps each append O(chunk): reading the end of the long
      // text would make V8 copy all of it, on every chunk of a large output.
      const merged = appendStreamChunk(last.text, output.text, this.pendingReturns.get(last) ?? last.text.endsWith('\r'));
      const next = { ...last, text: merged.text };
      this.pendingReturns.set(next, merged.pendingReturn);
      outputs[outputs.length - 1] = next;
    } else {
      outputs.push(output);
    }
    this.emit({ type: 'output', cellId, output });
    this.touch();
    return true;
  }

  clearOutput(cellId: string, wait: boolean): void {
    const cell = this.codeCell(cellId);
    if (wait) this.pendingClear.add(cellId);
    else {
      this.pendingClear.delete(cellId);
      this.outputBytes.set(cellId, 0);
      if (cell.outputs.length) this.replaceOutputs(cellId, []);
    }
    this.emit({ type: 'clear_output', cellId, wait });
    this.touch();
  }

  /** `update_display_data`: every output carrying `displayId`, in any cell, takes the new data. */
  updateDisplay(displayId: string, output: Output): void {
    if (output.output_type !== 'display_data') return;
    let found = false;
    this.cellList.forEach((cell) => {
      if (cell.kind !== 'code') return;
      let changed = false;
      const outputs = cell.outputs.map((existing) => {
        if ((existing.output_type === 'display_data' || existing.output_type === 'execute_result') && existing.transient?.display_id === displayId) {
          changed = true;
          return { ...existing, data: output.data, metadata: output.metadata };
        }
        return existing;
      });
      if (changed) {
        found = true;
        this.replaceOutputs(cell.id, outputs);
      }
    });
    if (!found) return;
    this.emit({ type: 'update_display', displayId, output });
    this.touch();
  }

  /** Start a fresh run of a code cell: outputs cleared, status running. */
  resetOutputs(cellId: string): void {
    this.pendingClear.delete(cellId);
    this.outputBytes.set(cellId, 0);
  }

  private codeCell(cellId: string): CodeCell {
    const cell = this.cell(cellId);
    if (!cell || cell.kind !== 'code') throw new Error(`no code cell ${cellId}`);
    return cell;
  }

  private replaceOutputs(cellId: string, outputs: Output[]): void {
    const i = this.index.get(cellId)!;
    this.cellList[i] = { ...(this.cellList[i] as CodeCell), outputs };
  }
}

function sizeOf(outputs: Output[]): number {
  let total = 0;
  for (const output of outputs) total += output.output_type === 'stream' ? output.text.length : JSON.stringify(output).length;
  return total;
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
