import { errorMessage, PublicError } from '../errors.ts';
import type { WorkspaceFile } from '../files/workspace-files.ts';
import { describeUpload } from '../files/upload-summary.ts';
import { newId } from '../ids.ts';
import { inspectCode, type InspectOptions, type InspectResult } from '../kernel/inspect-code.ts';
import type { KernelHolder } from '../kernel/kernel-budget.ts';
import type { KernelSession } from '../kernel/kernel-session.ts';
import type { Logger } from '../log.ts';
import { type Cell, type CellBy, type ClientFrame, type CodeCell, type KernelVariable, type NoticeCell, type Output } from '../protocol/index.ts';
import { ConversationKernel, type ConversationKernelDeps } from './conversation-kernel.ts';
import type { Conversation } from './conversation.ts';
import { makeTurnContext } from './make-turn-context.ts';
import { LostState } from './restore/lost-state.ts';
import { hasNoReplayMarker } from './restore/replay-plan.ts';
import { runCell } from './run-cell.ts';
import { StdinPrompts } from './stdin-prompts.ts';
import { staleCells } from './stale-cells.ts';
import { listVariables, variableTable } from './variables-request.ts';
import { assistantEdit } from './assistant-edit.ts';
import { cellNamesCode, parseCellNames } from '../kernel/cell-names.ts';
import { runWithCheckpoint } from './cell-checkpoints.ts';
import type { CheckpointSource } from './restore/checkpoint-restore.ts';
import type { UndoReport } from './undo-cell.ts';
import type { BranchOrigin } from './branch-conversation.ts';
import { announceBranch, restoreTurn, undoInTurn, type CheckpointTurnParts } from './checkpoint-turns.ts';
import { followAfterTakeover, leaseGuarded } from './lease-turns.ts';
import type { TurnContext } from './turn-context.ts';
import { Turns, type ActiveTurn } from './turns.ts';

/** What the runtime needs of the assistant (server/assistant implements it). */
export interface AssistantPort {
  answer(ctx: TurnContext, text: string): Promise<void>;
}

export interface RuntimeDeps extends ConversationKernelDeps {
  assistant: AssistantPort;
  log: Logger;
  cellTimeoutMs: number;
  /** A prompt (`input()`) left unanswered this long stops its cell (TALKBOOK_STDIN_TIMEOUT_S, default 300 s). */
  stdinTimeoutMs?: number;
  /** Restore lost kernel state by itself before the next `run` or `ask` (TALKBOOK_AUTO_RESTORE). */
  autoRestore?: boolean;
  listFiles(conversationId: string): Promise<WorkspaceFile[]>;
  /** Where checkpoints a kernel's folder lacks come from (the store, for remote kernels). */
  checkpointSource?(conversationId: string): CheckpointSource;
  /** Many servers: throws (`NotHolderError`) unless this server holds the conversation's lease now. */
  assertHeld?(conversationId: string): void;
  /** A cell's checkpoint was saved in the kernel (copied into the store when the kernel is remote). */
  checkpointSaved?(conversationId: string, session: KernelSession, id: string): void;
}

type Request<T extends ClientFrame['type']> = Extract<ClientFrame, { type: T }>;
/** A request and whom it acts for (issue 17): the cells its turn adds carry them as `by`. */
type Acting<T extends ClientFrame['type']> = Request<T> & { by?: CellBy | undefined };

/**
 * A live conversation: its turns (one at a time, in order), its kernel (started on first use)
 * and whether that kernel still holds what the conversation's code built. Each public method is
 * one action a request can ask for (see `dispatchRequest`).
 */
export class ConversationRuntime implements KernelHolder {
  readonly conversation: Conversation;
  private readonly deps: RuntimeDeps;
  private readonly turns: Turns;
  private readonly kernel: ConversationKernel;
  private readonly state: LostState;
  private readonly stdin: StdinPrompts;
  /** What the restore, undo and branch turns act on (checkpoint-turns.ts). */
  private readonly checkpointParts: CheckpointTurnParts;

  constructor(conversation: Conversation, deps: RuntimeDeps) {
    this.conversation = conversation;
    this.deps = deps;
    this.turns = new Turns(conversation, { log: deps.log });
    this.state = new LostState(conversation, deps.autoRestore ?? false);
    this.stdin = new StdinPrompts(conversation, deps.stdinTimeoutMs ?? 300_000);
    this.kernel = new ConversationKernel(conversation, deps, this.state, (level, text) => this.notice(level, text));
    this.checkpointParts = { conversation, kernel: this.kernel, state: this.state, deps, notice: (level, text) => this.notice(level, text) };
  }

  get id(): string {
    return this.conversation.id;
  }

  // ---- turns ------------------------------------------------------------------------------

  /** Run code the person wrote; with `cellId`, edit that code cell and run it again in place. */
  run(frame: Acting<'run'>): Promise<void> {
    const { cellId, code } = frame;
    if (cellId !== undefined && this.conversation.cell(cellId)?.kind !== 'code') {
      return Promise.reject(new PublicError(`There is no code cell ${cellId} to run again.`, 400));
    }
    return this.turn(frame, async (turn) => {
      if (cellId === undefined) {
        this.conversation.titleFromCode(code);
        await this.context(turn.signal).executeCode(code, 'user');
        return;
      }
      const before = this.conversation.cell(cellId) as CodeCell;
      this.conversation.updateCell<CodeCell>(cellId, { source: code, status: 'queued', ...(hasNoReplayMarker(code) ? { noReplay: true } : {}) });
      const after = await this.executeCell(cellId, turn.signal, { rerun: true });
      const edit = assistantEdit(before, after);
      if (edit) this.conversation.updateCell<CodeCell>(cellId, { edited: edit });
    });
  }

  ask(frame: Acting<'ask'>): Promise<void> {
    return this.turn(frame, async (turn) => {
      this.conversation.titleFromQuestion(frame.text);
      await this.deps.assistant.answer(this.context(turn.signal), frame.text);
    });
  }

  /** Run every code cell again, in order, in place; stops at the first that fails. */
  runAll(frame: Acting<'run_all'>): Promise<void> {
    return this.turn(frame, async ({ signal }) => {
      const ids = this.conversation.cells.filter((cell) => cell.kind === 'code').map((cell) => cell.id);
      for (const id of ids) this.conversation.updateCell<CodeCell>(id, { status: 'queued' });
      let failed = false;
      for (const id of ids) {
        if (signal.aborted || failed) {
          this.conversation.updateCell<CodeCell>(id, { status: 'interrupted', failure: failed ? 'Not run: an earlier cell failed.' : 'Not run: cancelled.' });
          continue;
        }
        failed = (await this.executeCell(id, signal)).status !== 'ok';
      }
      // Every cell ran again, in order, in this kernel: what the conversation built is back.
      if (!failed && !signal.aborted) this.state.rebuilt();
    });
  }

  /** Run the stale code cells again, in order, in place; stops at the first that fails. */
  runStale(frame: Acting<'run_stale'>): Promise<void> {
    return this.turn(frame, async ({ signal }) => {
      const ids = this.conversation.cells.filter((cell) => cell.kind === 'code' && cell.stale).map((cell) => cell.id);
      for (const id of ids) {
        if (signal.aborted) return;
        // Re-running one may mark later ones (already listed): they run after it, in order.
        if ((await this.executeCell(id, signal, { rerun: true })).status !== 'ok') return;
      }
    });
  }

  /** Rebuild lost kernel state: a fresh kernel replays the code cells that last ran without error. */
  restore(frame: Acting<'restore'>): Promise<void> {
    return this.turn(frame, (turn) => restoreTurn(this.checkpointParts, turn, false));
  }

  /**
   * A new branch's first turn: say where it branched from (with a link back), then restore its
   * kernel from the checkpoint of its last checkpointed cell — given by the conversation branched
   * from — with the workspace files that checkpoint recorded. Resolves when that turn ended.
   */
  startBranch(origin: BranchOrigin, source: CheckpointSource): Promise<void> {
    announceBranch(this.conversation, origin);
    return this.turns.enqueue({ request: 'restore', work: (turn) => restoreTurn(this.checkpointParts, turn, true, { files: true, source }) });
  }

  /** Undo the last code cell not already undone: the kernel goes back to the checkpoint before it. */
  undo(frame: Acting<'undo'>): Promise<void> {
    return this.turn(frame, async (turn) => {
      await this.undoInTurn(turn.signal);
    });
  }

  /** Undo inside a turn that is already running (the assistant's undo tool). */
  undoInTurn(signal: AbortSignal): Promise<UndoReport> {
    return undoInTurn(this.checkpointParts, signal);
  }

  /**
   * Tell the conversation (and so the assistant, which reads notices) about an uploaded file,
   * as its own queued turn (`request: 'upload'`): tables are summarized by the kernel silently.
   */
  announceUpload(name: string, size: number): Promise<void> {
    return this.turns.enqueue({
      request: 'upload',
      work: async () => {
        this.notice('info', await describeUpload(name, size, (code, options) => this.inspect(code, options)));
      },
    });
  }

  /** Stop the running turn. */
  cancel(): void {
    this.turns.cancel();
  }

  /** Whether a turn is running or waiting. */
  get busy(): boolean {
    return this.turns.busy;
  }

  /** Whose kernel this counts as, for TALKBOOK_MAX_KERNELS_PER_USER: the conversation's owner. */
  get ownerId(): string | null {
    return this.conversation.ownerId;
  }

  /** When this conversation last used its kernel (ms since epoch), for idle shutdown and LRU. */
  get lastActive(): number {
    return this.turns.lastActive;
  }

  // ---- cells ------------------------------------------------------------------------------

  /** Change a code cell's settings: for now, whether a restore replays it. Applies at once. */
  setCell(frame: Request<'set_cell'>): void {
    const cell = this.conversation.cell(frame.cellId);
    if (cell?.kind !== 'code') throw new PublicError(`There is no code cell ${frame.cellId}.`, 400);
    if (Boolean(cell.noReplay) !== frame.noReplay) {
      this.conversation.updateCell<CodeCell>(cell.id, { noReplay: frame.noReplay ? true : undefined });
    }
  }

  /**
   * Forget a cell. Refused while a request runs or waits: its cells (the code running, the answer
   * being written, the cells Run all or a restore will reach) must stay until it ends.
   */
  deleteCell(frame: Request<'delete_cell'>): void {
    if (!this.conversation.cell(frame.cellId)) throw new PublicError(`There is no cell ${frame.cellId}.`, 400);
    if (this.busy) throw new PublicError('A request is still running: stop it or let it finish, then delete the cell.', 409);
    this.conversation.removeCell(frame.cellId);
  }

  /** The answer to the prompt waiting in a cell (`input()`); the first answer from any tab wins. */
  stdinReply(frame: Request<'stdin_reply'>): void {
    this.stdin.answer(frame.cellId, frame.value);
  }

  /** The kernel's user variables (see `listVariables`). */
  variables(): Promise<KernelVariable[]> {
    return listVariables(this.kernel, () => this.stdin.secretDigests(), (code, options) => this.inspect(code, options));
  }

  /** One DataFrame or Series of the kernel as the interactive table's output (Python kernels). */
  variableTable(name: string): Promise<Output> {
    return variableTable(this.kernel, name);
  }

  // ---- the kernel -------------------------------------------------------------------------

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

  /** Take no more turns and stop the running one (the conversation is being deleted). */
  async stop(): Promise<void> {
    this.turns.close();
    // A kernel (or Jupyter) that cannot be reached must not keep the conversation from going.
    await this.interrupt().catch((error: unknown) => this.deps.log.debug(`could not interrupt ${this.conversation.id}: ${String(error)}`));
  }

  /**
   * After a takeover: the cell that was running on the server that died goes on here, in the
   * same kernel (`msgId`: its execution), as the first turn.
   */
  followRunning(cellId: string, msgId: string): void {
    void this.turns.enqueue({ request: 'run', work: () => followAfterTakeover(this.conversation, this.kernel, cellId, msgId) });
  }

  /** Another server takes the conversation over: turns stop, the kernel is let go of but keeps running. */
  async detach(reason: string): Promise<void> {
    this.turns.close();
    await this.kernel.detach(reason);
  }

  /** Stop everything: the conversation is being deleted or the server is shutting down. */
  async close(): Promise<void> {
    this.turns.close();
    await this.kernel.shutdown();
  }

  // ---- inside turns -----------------------------------------------------------------------

  /**
   * Queue a turn answering `frame` (with TALKBOOK_AUTO_RESTORE, a lost state is restored first).
   * Resolves once queued — the turn reports itself in frames — or rejects when it is refused.
   */
  private turn(frame: Acting<'run' | 'ask' | 'run_all' | 'run_stale' | 'restore' | 'undo'>, work: (turn: ActiveTurn) => Promise<void>): Promise<void> {
    const needsState = frame.type === 'run' || frame.type === 'ask';
    const acting = async (turn: ActiveTurn) => {
      this.conversation.actingFor = frame.by;
      try {
        await work(turn);
      } finally {
        this.conversation.actingFor = undefined;
      }
    };
    try {
      // Many servers: refused unless this server holds the lease, now and when the turn starts.
      const guarded = leaseGuarded(this.id, this.deps.assertHeld, acting);
      void this.turns.enqueue({ request: frame.type, requestId: frame.requestId, work: guarded }, () =>
        // run_all rebuilds the state itself; a restore before it would run everything twice.
        needsState && this.state.restoreDue ? { request: 'restore', work: (turn) => restoreTurn(this.checkpointParts, turn, true) } : undefined,
      );
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private notice(level: NoticeCell['level'], text: string): Cell {
    return this.conversation.addCell<NoticeCell>({ id: newId(), kind: 'notice', level, text, createdAt: new Date().toISOString() });
  }

  /**
   * Run a code cell; then record the names its code defines and reads (Python), and with
   * `rerun` (the person ran it again in place) mark the later cells that used what it changed.
   */
  private async executeCell(cellId: string, signal: AbortSignal, options: { rerun?: boolean } = {}): Promise<CodeCell> {
    staleCells.clear(this.conversation, cellId);
    const by = this.conversation.actingFor;
    if (by && (this.conversation.cell(cellId) as CodeCell).by?.userId !== by.userId) this.conversation.updateCell<CodeCell>(cellId, { by });
    const cell = await this.runOneCell(cellId, signal);
    await this.recordNames(cell).catch((error: unknown) => this.deps.log.debug(`could not analyse the names of a cell: ${String(error)}`));
    if (options.rerun) staleCells.propagate(this.conversation, cellId);
    return this.conversation.cell(cellId)?.kind === 'code' ? (this.conversation.cell(cellId) as CodeCell) : cell;
  }

  /** What the cell's code defines and reads, from the `ast` in the kernel (Python kernels only). */
  private async recordNames(cell: CodeCell): Promise<void> {
    if (!this.kernel.live) return;
    const session = await this.kernel.session();
    if ((await session.info()).language.trim().toLowerCase() !== 'python') return;
    staleCells.record(this.conversation, cell.id, parseCellNames(await inspectCode(session, cellNamesCode(cell.source), { timeoutMs: 5000 })));
  }

  private async runOneCell(cellId: string, signal: AbortSignal): Promise<CodeCell> {
    let session: KernelSession;
    try {
      session = await this.kernel.session();
    } catch (error) {
      this.conversation.updateCell<CodeCell>(cellId, { status: 'error', failure: errorMessage(error), endedAt: new Date().toISOString() });
      throw error;
    }
    const timeoutMs = this.deps.cellTimeoutMs;
    return runWithCheckpoint(this.conversation, session, cellId, () => runCell(this.conversation, session, cellId, { signal, timeoutMs, stdin: this.stdin }), {
      cellTimeoutMs: timeoutMs,
      onSaved: (id) => this.deps.checkpointSaved?.(this.conversation.id, session, id),
    });
  }

  private context(signal: AbortSignal): TurnContext {
    return makeTurnContext(this.conversation, signal, {
      notice: (level, text) => this.notice(level, text),
      executeCell: (cellId, cellSignal) => this.executeCell(cellId, cellSignal),
      inspect: (code) => this.inspect(code),
      kernelInfo: () => this.kernel.info(),
      listFiles: () => this.deps.listFiles(this.conversation.id),
      stateInfo: () => this.state.info(),
      undoLastCell: async (turnSignal) => {
        const report = await this.undoInTurn(turnSignal);
        const notice = this.conversation.cells.findLast((cell) => cell.kind === 'notice');
        return notice?.kind === 'notice' ? notice.text : `Undid cell ${report.cellId}.`;
      },
      secretDigests: () => this.stdin.secretDigests(),
    });
  }

  private async inspect(code: string, options?: InspectOptions): Promise<InspectResult> {
    const session = await this.kernel.session();
    // IRkernel sends no output for silent runs: R is asked without `silent`, still outside the count and history.
    const visible = options?.visible ?? (await session.info()).language.trim().toLowerCase() === 'r';
    return inspectCode(session, code, { ...options, visible });
  }
}
