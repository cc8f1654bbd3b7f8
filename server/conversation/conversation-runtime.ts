import { errorMessage, TalkbookError } from '../errors.ts';
import { describeUpload } from '../files/upload-summary.ts';
import type { KernelSession } from '../kernel/kernel-session.ts';
import type { Kernels } from '../kernel/kernels.ts';
import type { Logger } from '../log.ts';
import type { Author, Cell, ClientFrame, CodeCell, NoticeCell } from '../protocol/index.ts';
import { runCodeCell } from './code-execution.ts';
import { Conversation, newId } from './conversation.ts';
import type { InspectResult, KernelInfo, TurnContext, WorkspaceFile } from './turn-context.ts';
import { TurnQueue } from './turn-queue.ts';

/** What the runtime needs of the assistant (server/assistant implements it). */
export interface AssistantPort {
  answer(ctx: TurnContext, text: string): Promise<void>;
}

export interface RuntimeDeps {
  kernels: Kernels;
  assistant: AssistantPort;
  log: Logger;
  cellTimeoutMs: number;
  listFiles(conversationId: string): Promise<WorkspaceFile[]>;
  /** Called before this conversation starts a kernel: shut others down to stay under the cap. */
  makeRoom?(conversationId: string): Promise<void>;
}

/** A request that becomes a turn. */
type TurnRequest = Extract<ClientFrame, { type: 'run' | 'ask' | 'run_all' }>;

interface ActiveTurn {
  id: string;
  controller: AbortController;
}

/**
 * Runs a conversation: turns one at a time in order, its kernel (started on first use), and the
 * `TurnContext` through which a turn changes the conversation.
 */
export class ConversationRuntime {
  readonly conversation: Conversation;
  private readonly deps: RuntimeDeps;
  private readonly queue = new TurnQueue();
  private active: ActiveTurn | undefined;
  private wired: KernelSession | undefined;
  /** Code ran in an earlier kernel of this conversation (before a server restart). */
  private stateFromEarlierKernel: boolean;
  private closed = false;
  /** When this conversation last used its kernel (ms since epoch), for idle shutdown and LRU. */
  lastActive = Date.now();

  constructor(conversation: Conversation, deps: RuntimeDeps) {
    this.conversation = conversation;
    this.deps = deps;
    this.stateFromEarlierKernel = conversation.cells.some((cell) => cell.kind === 'code' && cell.executionCount !== null);
  }

  /** Handle a client request (already validated). `resume` is the socket's business. */
  request(frame: Exclude<ClientFrame, { type: 'resume' }>): Promise<void> {
    switch (frame.type) {
      case 'run':
      case 'ask':
      case 'run_all':
        return this.enqueueTurn(frame);
      case 'interrupt':
        return this.interrupt();
      case 'restart':
        return this.restart();
      case 'cancel':
        this.cancel();
        return Promise.resolve();
    }
  }

  private enqueueTurn(frame: TurnRequest): Promise<void> {
    if (frame.type === 'run' && frame.cellId) {
      const existing = this.conversation.cell(frame.cellId);
      if (!existing || existing.kind !== 'code') {
        return Promise.reject(new TalkbookError(`There is no code cell ${frame.cellId} to run again.`, 400));
      }
    }
    void this.queue.add(() => this.runTurn(frame));
    return Promise.resolve();
  }

  private async runTurn(frame: TurnRequest): Promise<void> {
    if (this.closed) return;
    const turn: ActiveTurn = { id: newId(), controller: new AbortController() };
    this.active = turn;
    this.lastActive = Date.now();
    const { conversation } = this;
    const meta = { turnId: turn.id, request: frame.type, ...(frame.requestId ? { requestId: frame.requestId } : {}) };
    conversation.emit({ type: 'turn', state: 'started', ...meta });
    try {
      const ctx = this.context(turn.controller.signal);
      switch (frame.type) {
        case 'run':
          if (frame.cellId) await this.rerun(frame.cellId, frame.code, turn.controller.signal);
          else await ctx.executeCode(frame.code, 'user');
          break;
        case 'ask':
          await this.deps.assistant.answer(ctx, frame.text);
          break;
        case 'run_all':
          await this.runAll(turn.controller.signal);
          break;
      }
      conversation.emit({ type: 'turn', state: turn.controller.signal.aborted ? 'cancelled' : 'done', ...meta });
    } catch (error) {
      if (turn.controller.signal.aborted) {
        conversation.emit({ type: 'turn', state: 'cancelled', ...meta });
      } else {
        conversation.emit({ type: 'turn', state: 'failed', error: this.publicMessage(error), ...meta });
      }
    } finally {
      if (this.active === turn) this.active = undefined;
      this.lastActive = Date.now();
    }
  }

  private async rerun(cellId: string, code: string, signal: AbortSignal): Promise<void> {
    this.conversation.updateCell<CodeCell>(cellId, { source: code, status: 'queued' });
    await this.executeCell(cellId, signal);
  }

  private async runAll(signal: AbortSignal): Promise<void> {
    const ids = this.conversation.cells.filter((cell) => cell.kind === 'code').map((cell) => cell.id);
    for (const id of ids) this.conversation.updateCell<CodeCell>(id, { status: 'queued' });
    let failed = false;
    for (const id of ids) {
      if (signal.aborted || failed) {
        this.conversation.updateCell<CodeCell>(id, { status: 'interrupted', failure: failed ? 'Not run: an earlier cell failed.' : 'Not run: cancelled.' });
        continue;
      }
      const cell = await this.executeCell(id, signal);
      failed = cell.status !== 'ok';
    }
  }

  private publicMessage(error: unknown): string {
    if (error instanceof TalkbookError || (error instanceof Error && (error as { expose?: boolean }).expose)) return error.message;
    this.deps.log.error('a turn failed unexpectedly', error);
    return 'Something went wrong on the server (the error was logged).';
  }

  /**
   * Tell the conversation (and so the assistant, which reads notices) about an uploaded file,
   * as its own queued turn (`request: 'upload'`): tables are summarized by the kernel silently.
   */
  announceUpload(name: string, size: number): Promise<void> {
    return this.queue.add(async () => {
      if (this.closed) return;
      const meta = { turnId: newId(), request: 'upload' };
      this.conversation.emit({ type: 'turn', state: 'started', ...meta });
      const text = await describeUpload(name, size, (code) => this.inspect(code));
      this.notice('info', text);
      this.conversation.emit({ type: 'turn', state: 'done', ...meta });
    });
  }

  cancel(): void {
    const turn = this.active;
    if (!turn || turn.controller.signal.aborted) return;
    turn.controller.abort();
  }

  async interrupt(): Promise<void> {
    await this.deps.kernels.get(this.conversation.id)?.interrupt();
  }

  async restart(): Promise<void> {
    const session = this.deps.kernels.get(this.conversation.id);
    if (session) {
      await session.restart();
    } else {
      await this.deps.kernels.shutdown(this.conversation.id);
      await this.kernel();
    }
    this.stateFromEarlierKernel = false;
    this.notice('info', 'The kernel was restarted: variables from earlier cells are gone.');
  }

  /** Stop everything: the conversation is being deleted or the server is shutting down. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancel();
    await this.deps.kernels.shutdown(this.conversation.id);
  }

  /** Whether a turn is running or waiting. */
  get busy(): boolean {
    return this.active !== undefined || this.queue.size > 0;
  }

  /** Whether this conversation holds a live kernel. */
  get hasKernel(): boolean {
    return this.deps.kernels.get(this.conversation.id) !== undefined;
  }

  /**
   * Shut the kernel down to free resources (idle too long, or room needed for another). Refused
   * while a turn runs. Returns whether a kernel was shut down.
   */
  async evictKernel(reason: string): Promise<boolean> {
    if (this.busy || !this.hasKernel) return false;
    this.wired = undefined;
    await this.deps.kernels.shutdown(this.conversation.id);
    this.conversation.setKernelState('dead');
    this.notice('info', `${reason} Variables from earlier cells are gone; the next cell starts a fresh kernel.`);
    return true;
  }

  /** The Jupyter server behind this conversation's kernel was lost. */
  kernelLost(reason: string): void {
    if (this.wired) {
      this.wired = undefined;
      this.conversation.setKernelState('dead');
      this.notice('warning', `${reason} Variables from earlier cells are gone; the next cell starts a fresh kernel.`);
    }
  }

  private notice(level: NoticeCell['level'], text: string): Cell {
    return this.conversation.addCell<NoticeCell>({ id: newId(), kind: 'notice', level, text, createdAt: new Date().toISOString() });
  }

  /** The conversation's kernel, started (and wired to the conversation) on first use. */
  private async kernel(): Promise<KernelSession> {
    const { kernels } = this.deps;
    const live = kernels.get(this.conversation.id);
    if (live && live === this.wired) return live;
    if (!live) {
      this.conversation.setKernelState('starting');
      await this.deps.makeRoom?.(this.conversation.id);
    }
    let session: KernelSession;
    try {
      session = await kernels.session(this.conversation.id, this.conversation.kernel);
    } catch (error) {
      this.conversation.setKernelState('dead');
      throw error;
    }
    if (session !== this.wired) {
      this.wired = session;
      session.onState((state) => {
        if (this.wired === session) this.conversation.setKernelState(state);
      });
      session.onLost((reason) => {
        if (this.wired === session) this.notice('error', `${reason} The next cell runs in a fresh kernel.`);
      });
      this.conversation.setKernelState(session.state);
      if (this.stateFromEarlierKernel) {
        this.stateFromEarlierKernel = false;
        this.notice('warning', 'Started a new kernel: code in this conversation ran in an earlier kernel (before a server restart, or in the notebook it was imported from), so its variables are not defined here. Run the cells again to rebuild them.');
      }
    }
    return session;
  }

  private async executeCell(cellId: string, signal: AbortSignal): Promise<CodeCell> {
    let session: KernelSession;
    try {
      session = await this.kernel();
    } catch (error) {
      this.conversation.updateCell<CodeCell>(cellId, { status: 'error', failure: errorMessage(error), endedAt: new Date().toISOString() });
      throw error;
    }
    return runCodeCell(this.conversation, session, cellId, { signal, timeoutMs: this.deps.cellTimeoutMs });
  }

  private context(signal: AbortSignal): TurnContext {
    const { conversation } = this;
    const now = () => new Date().toISOString();
    return {
      conversationId: conversation.id,
      signal,
      cells: () => conversation.cells,
      addUserCell: (text) => conversation.addCell({ id: newId(), kind: 'user', text, createdAt: now() }),
      addAssistantCell: () => conversation.addCell({ id: newId(), kind: 'assistant', text: '', createdAt: now() }),
      appendAssistantText: (cellId, delta) => conversation.appendText(cellId, delta),
      addNotice: (level, text) => this.notice(level, text),
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
        });
        return this.executeCell(cell.id, signal);
      },
      inspect: (code: string) => this.inspect(code),
      kernelInfo: () => this.kernelInfo(),
      listFiles: () => this.deps.listFiles(conversation.id),
    };
  }

  private async inspect(code: string): Promise<InspectResult> {
    const session = await this.kernel();
    const result: InspectResult = { stdout: '', stderr: '' };
    await session.execute(code, {
      silent: true,
      onEvent: (event) => {
        if (event.kind !== 'output') return;
        const output = event.output;
        switch (output.output_type) {
          case 'stream':
            result[output.name] += output.text;
            return;
          case 'execute_result':
          case 'display_data': {
            const text = output.data['text/plain'];
            if (typeof text === 'string') result.result = (result.result ?? '') + text;
            return;
          }
          case 'error':
            result.error = { ename: output.ename, evalue: output.evalue };
            return;
        }
      },
    });
    return result;
  }

  private async kernelInfo(): Promise<KernelInfo> {
    const session = await this.kernel();
    const info = await session.info();
    const specs = await this.deps.kernels.specs().catch(() => undefined);
    return { ...info, displayName: specs?.displayNames.get(info.kernelName) ?? info.kernelName };
  }
}
