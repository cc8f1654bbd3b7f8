import { errorMessage, TalkbookError } from '../errors.ts';
import { describeUpload } from '../files/upload-summary.ts';
import type { KernelSession } from '../kernel/kernel-session.ts';
import type { Logger } from '../log.ts';
import type { Cell, ClientFrame, CodeCell, NoticeCell } from '../protocol/index.ts';
import { runCodeCell } from './code-execution.ts';
import { inspectCode } from './inspect-code.ts';
import { ConversationKernel, type ConversationKernelDeps } from './conversation-kernel.ts';
import { makeTurnContext } from './make-turn-context.ts';
import { Conversation, newId } from './conversation.ts';
import { LostState } from './lost-state.ts';
import { hasNoReplayMarker } from './replay-plan.ts';
import { restoreState } from './restore.ts';
import type { InspectResult, TurnContext, WorkspaceFile } from './turn-context.ts';
import { TurnQueue } from './turn-queue.ts';

/** What the runtime needs of the assistant (server/assistant implements it). */
export interface AssistantPort {
  answer(ctx: TurnContext, text: string): Promise<void>;
}

export interface RuntimeDeps extends ConversationKernelDeps {
  assistant: AssistantPort;
  log: Logger;
  cellTimeoutMs: number;
  /** Restore lost kernel state by itself before the next `run` or `ask` (TALKBOOK_AUTO_RESTORE). */
  autoRestore?: boolean;
  listFiles(conversationId: string): Promise<WorkspaceFile[]>;
}

/** A request that becomes a turn. */
type TurnRequest = Extract<ClientFrame, { type: 'run' | 'ask' | 'run_all' | 'restore' }>;

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
  private readonly kernel: ConversationKernel;
  private readonly state: LostState;
  private closed = false;
  /** When this conversation last used its kernel (ms since epoch), for idle shutdown and LRU. */
  lastActive = Date.now();

  constructor(conversation: Conversation, deps: RuntimeDeps) {
    this.conversation = conversation;
    this.deps = deps;
    this.state = new LostState(conversation, deps.autoRestore ?? false);
    this.kernel = new ConversationKernel(conversation, deps, this.state, (level, text) => this.notice(level, text));
  }

  /** Handle a client request (already validated). `resume` is the socket's business. */
  request(frame: Exclude<ClientFrame, { type: 'resume' }>): Promise<void> {
    switch (frame.type) {
      case 'run':
      case 'ask':
      case 'run_all':
      case 'restore':
        return this.enqueueTurn(frame);
      case 'set_cell':
        return this.setCell(frame);
      case 'delete_cell':
        return this.deleteCell(frame.cellId);
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

  /** Change a code cell's settings: for now, whether a restore replays it. Applies at once. */
  private setCell(frame: Extract<ClientFrame, { type: 'set_cell' }>): Promise<void> {
    const cell = this.conversation.cell(frame.cellId);
    if (!cell || cell.kind !== 'code') {
      return Promise.reject(new TalkbookError(`There is no code cell ${frame.cellId}.`, 400));
    }
    if (Boolean(cell.noReplay) !== frame.noReplay) {
      this.conversation.updateCell<CodeCell>(cell.id, { noReplay: frame.noReplay ? true : undefined });
    }
    return Promise.resolve();
  }

  /**
   * Forget a cell. Refused while a request runs or waits: its cells (the code running, the answer
   * being written, the cells Run all or a restore will reach) must stay until it ends.
   */
  private deleteCell(cellId: string): Promise<void> {
    if (!this.conversation.cell(cellId)) return Promise.reject(new TalkbookError(`There is no cell ${cellId}.`, 400));
    if (this.busy) return Promise.reject(new TalkbookError('A request is still running: stop it or let it finish, then delete the cell.', 409));
    this.conversation.removeCell(cellId);
    return Promise.resolve();
  }

  private async runTurn(frame: TurnRequest, automatic = false): Promise<void> {
    if (this.closed) return;
    // run_all rebuilds the state itself; a restore before it would run everything twice.
    if (this.state.restoreDue && (frame.type === 'run' || frame.type === 'ask')) {
      await this.runTurn({ type: 'restore' }, true);
    }
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
          else {
            this.conversation.titleFromCode(frame.code);
            await ctx.executeCode(frame.code, 'user');
          }
          break;
        case 'ask':
          this.conversation.titleFromQuestion(frame.text);
          await this.deps.assistant.answer(ctx, frame.text);
          break;
        case 'run_all':
          await this.runAll(turn.controller.signal);
          break;
        case 'restore':
          await this.restore(turn, automatic);
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
    this.conversation.updateCell<CodeCell>(cellId, { source: code, status: 'queued', ...(hasNoReplayMarker(code) ? { noReplay: true } : {}) });
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
    // Every cell ran again, in order, in this kernel: what the conversation built is back.
    if (!failed && !signal.aborted) this.state.rebuilt();
  }

  private async restore(turn: ActiveTurn, automatic: boolean): Promise<void> {
    this.state.restoreStarted();
    const report = await restoreState({
      conversation: this.conversation,
      turnId: turn.id,
      signal: turn.controller.signal,
      cellTimeoutMs: this.deps.cellTimeoutMs,
      automatic,
      // The restore's own notice says what happened.
      freshKernel: () => this.kernel.replace(),
      notice: (level, text) => this.notice(level, text),
    });
    this.state.restoreEnded(report);
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
    await this.kernel.interrupt();
  }

  async restart(): Promise<void> {
    await this.kernel.replace();
    this.state.lost();
    this.notice('info', `The kernel was restarted: variables from earlier cells are gone.${this.state.hint()}`);
  }

  /**
   * The kernel whose working directory is this conversation's workspace, started if there is
   * none (files move through it when the Jupyter server has no contents API).
   */
  workspaceKernel(): Promise<KernelSession> {
    return this.kernel.session();
  }

  /** Take no more turns and stop the running one (the conversation is being deleted). */
  async stop(): Promise<void> {
    this.closed = true;
    this.cancel();
    // A kernel (or Jupyter) that cannot be reached must not keep the conversation from going.
    await this.interrupt().catch((error: unknown) => this.deps.log.debug(`could not interrupt ${this.conversation.id}: ${String(error)}`));
  }

  /** Stop everything: the conversation is being deleted or the server is shutting down. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancel();
    await this.kernel.shutdown();
  }

  /** Whether a turn is running or waiting. */
  get busy(): boolean {
    return this.active !== undefined || this.queue.size > 0;
  }

  /** Whether this conversation holds a live kernel. */
  get hasKernel(): boolean {
    return this.kernel.live;
  }

  /**
   * Shut the kernel down to free resources (idle too long, or room needed for another). Refused
   * while a turn runs. Returns whether a kernel was shut down.
   */
  async evictKernel(reason: string): Promise<boolean> {
    if (this.busy || !this.hasKernel) return false;
    await this.kernel.evict(reason);
    return true;
  }

  /** The Jupyter server behind this conversation's kernel was lost. */
  kernelLost(reason: string): void {
    this.kernel.lost(reason);
  }

  private notice(level: NoticeCell['level'], text: string): Cell {
    return this.conversation.addCell<NoticeCell>({ id: newId(), kind: 'notice', level, text, createdAt: new Date().toISOString() });
  }

  private async executeCell(cellId: string, signal: AbortSignal): Promise<CodeCell> {
    let session: KernelSession;
    try {
      session = await this.kernel.session();
    } catch (error) {
      this.conversation.updateCell<CodeCell>(cellId, { status: 'error', failure: errorMessage(error), endedAt: new Date().toISOString() });
      throw error;
    }
    return runCodeCell(this.conversation, session, cellId, { signal, timeoutMs: this.deps.cellTimeoutMs });
  }

  private context(signal: AbortSignal): TurnContext {
    return makeTurnContext(this.conversation, signal, {
      notice: (level, text) => this.notice(level, text),
      executeCell: (cellId, cellSignal) => this.executeCell(cellId, cellSignal),
      inspect: (code) => this.inspect(code),
      kernelInfo: () => this.kernel.info(),
      listFiles: () => this.deps.listFiles(this.conversation.id),
      stateInfo: () => this.state.info(),
    });
  }

  private async inspect(code: string): Promise<InspectResult> {
    return inspectCode(await this.kernel.session(), code);
  }
}
