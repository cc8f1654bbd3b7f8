import { randomUUID } from 'node:crypto';
import type { StateInfo, TurnContext } from '../../../server/conversation/turn-context.ts';
import type { WorkspaceFile } from '../../../server/files/workspace-files.ts';
import type { InspectResult } from '../../../server/kernel/inspect-code.ts';
import type { KernelInfo } from '../../../server/kernel/kernel-info.ts';
import type { Author, Cell, CodeCell, NoticeCell, Output } from '../../../server/protocol/index.ts';

/** What a fake kernel run produces. */
export type FakeRun = { outputs: Output[]; status?: CodeCell['status']; failure?: string };

export interface FakeContextOptions {
  /** Computes a run's result from its source. Default: no output. */
  run?: (source: string, signal: AbortSignal) => FakeRun | Promise<FakeRun>;
  /** Answers silent inspections (the context probe). Default: no output. */
  inspect?: (code: string) => InspectResult | Promise<InspectResult>;
  kernelInfo?: Partial<KernelInfo>;
  files?: WorkspaceFile[];
  /** The conversation before this turn. */
  cells?: Cell[];
  /** What `stateInfo()` says. Default: not lost, never restored. */
  state?: StateInfo;
}

export interface FakeTurnContext extends TurnContext {
  /** Cancels the turn, as the person's `cancel` would. */
  cancel(): void;
  readonly executed: string[];
  readonly inspected: string[];
  /** Every call, in order, e.g. `addUserCell`, `text`, `executeCode`, for order assertions. */
  readonly log: string[];
}

/** An in-memory TurnContext: cells in an array, a scripted kernel, no frames, no store. */
export function createFakeTurnContext(options: FakeContextOptions = {}): FakeTurnContext {
  const cells: Cell[] = [...(options.cells ?? [])];
  const controller = new AbortController();
  const executed: string[] = [];
  const inspected: string[] = [];
  const log: string[] = [];
  let count = cells.filter((c) => c.kind === 'code').length;
  const now = () => new Date().toISOString();

  return {
    conversationId: 'conv-test',
    signal: controller.signal,
    cancel: () => controller.abort(),
    executed,
    inspected,
    log,
    cells: () => cells,
    addUserCell(text) {
      log.push(`user: ${text}`);
      const cell: Cell = { id: randomUUID(), createdAt: now(), kind: 'user', text };
      cells.push(cell);
      return cell;
    },
    addAssistantCell() {
      log.push('assistant cell');
      const cell: Cell = { id: randomUUID(), createdAt: now(), kind: 'assistant', text: '' };
      cells.push(cell);
      return cell;
    },
    appendAssistantText(cellId, delta) {
      const cell = cells.find((c) => c.id === cellId);
      if (!cell || cell.kind !== 'assistant') throw new Error(`no assistant cell ${cellId}`);
      cell.text += delta;
    },
    addNotice(level: NoticeCell['level'], text: string) {
      log.push(`notice ${level}: ${text}`);
      const cell: Cell = { id: randomUUID(), createdAt: now(), kind: 'notice', level, text };
      cells.push(cell);
      return cell;
    },
    async executeCode(source: string, author: Author) {
      log.push(`execute: ${source}`);
      executed.push(source);
      const cell: CodeCell = {
        id: randomUUID(),
        createdAt: now(),
        kind: 'code',
        source,
        author,
        status: 'running',
        executionCount: null,
        outputs: [],
      };
      cells.push(cell);
      const result = options.run ? await options.run(source, controller.signal) : { outputs: [] };
      cell.outputs = result.outputs;
      cell.status = result.status ?? (result.outputs.some((o) => o.output_type === 'error') ? 'error' : 'ok');
      cell.executionCount = ++count;
      if (result.failure) cell.failure = result.failure;
      return structuredClone(cell);
    },
    async undoLastCell() {
      log.push('undo');
      const last = cells.findLast((c): c is CodeCell => c.kind === 'code' && !c.undone);
      if (!last) throw new Error('There is no code cell to undo.');
      last.undone = true;
      return `Undid \`${last.source.split('\n')[0]}\`: the variables are as they were before it.`;
    },
    async inspect(code) {
      inspected.push(code);
      return options.inspect ? options.inspect(code) : { stdout: '', stderr: '' };
    },
    async kernelInfo() {
      return {
        kernelName: 'python3',
        language: 'python',
        languageVersion: '3.12.4',
        fileExtension: '.py',
        displayName: 'Python 3 (ipykernel)',
        ...options.kernelInfo,
      };
    },
    async listFiles() {
      return options.files ?? [];
    },
    stateInfo() {
      return options.state ?? { lost: false };
    },
  };
}

// ---- output builders ---------------------------------------------------------------------

export const stdout = (text: string): Output => ({ output_type: 'stream', name: 'stdout', text });
export const stderr = (text: string): Output => ({ output_type: 'stream', name: 'stderr', text });
export const result = (text: string, count = 1, extra: Record<string, unknown> = {}): Output => ({
  output_type: 'execute_result',
  execution_count: count,
  data: { 'text/plain': text, ...extra },
  metadata: {},
});
export const display = (data: Record<string, unknown>): Output => ({ output_type: 'display_data', data, metadata: {} });
export const error = (ename: string, evalue: string, traceback: string[] = []): Output => ({
  output_type: 'error',
  ename,
  evalue,
  traceback,
});
/** A display_data with a PNG of about `bytes` bytes (not a real image). */
export const png = (bytes = 3 * 1024): Output =>
  display({ 'image/png': Buffer.alloc(bytes, 7).toString('base64'), 'text/plain': '<Figure size 640x480 with 1 Axes>' });
