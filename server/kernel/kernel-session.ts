import { KernelMessage, type Kernel } from '@jupyterlab/services';
import type { KernelState, Output } from '../protocol/index.ts';
import { commRequest, KernelRequestError, type CommReply } from './comm-request.ts';
import { followExecution, type FollowOutcome } from './follow-execution.ts';
import type { KernelInfo } from './kernel-info.ts';
import { iopubToEvent, type IopubEvent } from './iopub-output.ts';

export { KernelRequestError, type CommReply } from './comm-request.ts';

export type ExecuteOutcome =
  | { status: 'ok' | 'error' | 'aborted'; executionCount: number | null }
  /** The kernel died or restarted mid-execution: Jupyter sends no reply then, so we end it. */
  | { status: 'died'; executionCount: number | null; reason: string };

/**
 * What an execution's own iopub messages mean for its cell. Display updates are not among them:
 * an update may target a display of an earlier execution, so they come through `onDisplayUpdate`.
 */
export type ExecutionEvent = Exclude<IopubEvent, { kind: 'ignore' | 'update-display' }>;

export interface ExecuteOptions {
  /** Not shown, not counted, not in history (`silent: true` on the execute request). */
  silent?: boolean;
  /** `store_history` (default: not silent). False keeps a run out of the count and history without `silent`. */
  storeHistory?: boolean;
  onEvent?: (event: ExecutionEvent) => void;
  /**
   * Answers the code's `input()` and `getpass()` (`allow_stdin: true`); without it they fail at
   * once (`StdinNotImplementedError`). Called once per `input_request`; `reply` sends the answer.
   */
  onInput?: (request: InputRequest, reply: (value: string) => void) => void;
}

/** A kernel's `input_request`: the code waits for a line of input. */
export interface InputRequest {
  prompt: string;
  /** `getpass()`: the answer must not be shown (nor kept). */
  password: boolean;
}

/** Told when a shown execution begins (its `msg_id`) and ends (`undefined`). */
export type ExecutionListener = (msgId: string | undefined) => void;

/** An `update_display_data` from the kernel, whichever execution (or none) it belongs to. */
export type DisplayUpdateListener = (displayId: string, output: Output) => void;

/**
 * One live kernel, driven through `@jupyterlab/services`' KernelConnection. The only place
 * that speaks Jupyter messages: executions become `IopubEvent`s and one outcome.
 */
export class KernelSession {
  readonly kernelName: string;
  private readonly kernel: Kernel.IKernelConnection;
  private readonly stateListeners = new Set<(state: KernelState) => void>();
  private readonly inflight = new Set<(reason: string) => void>();
  /** The in-flight executions that are cells (counted, in history), not silent probes. */
  private readonly cellRuns = new Set<(reason: string) => void>();
  /**
   * Message ids of work the person did not ask for (silent probes, comm requests such as a
   * checkpoint save): the kernel's busy for them is not told, so the page's kernel state does
   * not flicker after every cell.
   */
  private readonly quiet = new Set<string>();
  /** The state last told to listeners. */
  private told: KernelState | undefined;
  /** When each in-flight execution last sent anything on iopub (ms since epoch). */
  private readonly heard = new WeakMap<(reason: string) => void, number>();
  /** When each in-flight execution's first message came (the kernel began it). */
  private readonly begun = new WeakMap<(reason: string) => void, number>();
  /** Comm requests waiting for their answer (failed, like executions, when the kernel goes). */
  private readonly requests = new Set<(reason: string) => void>();
  private readonly lostListeners = new Set<(reason: string) => void>();
  private readonly displayListeners = new Set<DisplayUpdateListener>();
  private readonly executionListeners = new Set<ExecutionListener>();
  /** Reattached after a failover: the `msg_id` of the execution that was running then, to `follow`. */
  followable: string | undefined;
  /** Connected to a kernel another server started (a takeover), not started by this one. */
  reattached = false;
  private lock: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private readonly deathReason: KernelSessionOptions['deathReason'];
  /** Set while the reason for an unasked death is looked up: in-flight work waits for it. */
  private dying = false;

  constructor(kernel: Kernel.IKernelConnection, options: KernelSessionOptions = {}) {
    this.kernel = kernel;
    this.deathReason = options.deathReason;
    this.kernelName = kernel.name;
    kernel.statusChanged.connect((_, status) => this.onStatus(status));
    // @jupyterlab/services routes an update_display_data to the future that first showed the
    // display, which is gone once that cell finished: listen to every iopub message instead.
    kernel.iopubMessage.connect((_, msg) => {
      if (msg.header.msg_type === 'status') return this.onActivity(msg as KernelMessage.IStatusMsg);
      if (msg.header.msg_type !== 'update_display_data') return;
      const event = iopubToEvent(msg.header.msg_type, msg.content);
      if (event.kind !== 'update-display') return;
      for (const listener of this.displayListeners) listener(event.displayId, event.output);
    });
    kernel.connectionStatusChanged.connect((_, status) => {
      if (status === 'disconnected' && !this.disposed) this.failInflight('Lost the connection to the kernel.');
    });
    // When Jupyter restarts a dead kernel in place, KernelConnection reconnects from a promise
    // nobody awaits, which rejects once the connection is disposed (as a kernel that died is, see
    // kernels.ts) or gives up: an unhandled rejection. Talkbook learns of the loss from the
    // status and connection signals, never from that promise, so its failure is dropped here.
    const reconnect = kernel.reconnect.bind(kernel);
    kernel.reconnect = () => reconnect().catch(() => undefined);
  }

  get id(): string {
    return this.kernel.id;
  }

  /** The session id Jupyter Server knows this connection by (and buffers messages for while it is away). */
  get clientId(): string {
    return this.kernel.clientId;
  }

  get state(): KernelState {
    const status = mapStatus(this.kernel.status);
    return status === 'busy' || status === 'idle' ? (this.told ?? status) : status;
  }

  /** Code is running or waiting in the kernel (its answer to anything else comes after). */
  get executing(): boolean {
    return this.inflight.size > 0;
  }

  /** A cell is running (not only a silent probe, which ends in moments). */
  get runningCell(): boolean {
    return this.cellRuns.size > 0;
  }

  get isDead(): boolean {
    return this.disposed || this.kernel.isDisposed || this.kernel.status === 'dead';
  }

  onState(listener: (state: KernelState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Called when the kernel's state is lost without being asked (death, auto-restart). */
  onLost(listener: (reason: string) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /** Display updates from this kernel, for any display it showed (see `DisplayUpdateListener`). */
  onDisplayUpdate(listener: DisplayUpdateListener): () => void {
    this.displayListeners.add(listener);
    return () => this.displayListeners.delete(listener);
  }

  /** A shown execution (not `silent`) began (`msgId`) or ended (`undefined`): what a next holder follows after a failover. */
  onExecution(listener: ExecutionListener): () => void {
    this.executionListeners.add(listener);
    return () => this.executionListeners.delete(listener);
  }

  /** Follow an execution another connection started (`msgId`): see `followExecution`. */
  follow(msgId: string, onEvent: (event: ExecutionEvent) => void): Promise<FollowOutcome> {
    return followExecution(this.kernel, this.inflight, msgId, onEvent);
  }

  /** Run `code`; executions on one kernel are serialized. Kernel errors are data. */
  execute(code: string, options: ExecuteOptions = {}): Promise<ExecuteOutcome> {
    const run = this.lock.then(() => this.executeNow(code, options));
    this.lock = run.catch(() => undefined);
    return run;
  }

  private executeNow(code: string, options: ExecuteOptions): Promise<ExecuteOutcome> {
    if (this.isDead) return Promise.resolve({ status: 'died', executionCount: null, reason: 'The kernel is not running.' });
    return new Promise<ExecuteOutcome>((resolve) => {
      let executionCount: number | null = null;
      let settled = false;
      const finish = (outcome: ExecuteOutcome) => {
        if (settled) return;
        settled = true;
        this.inflight.delete(onDeath);
        this.cellRuns.delete(onDeath);
        if (quietId) this.quiet.delete(quietId);
        resolve(outcome);
      };
      const onDeath = (reason: string) => {
        future.dispose();
        finish({ status: 'died', executionCount, reason });
      };
      const silent = options.silent ?? false;
      const future = this.kernel.requestExecute(
        { code, silent, store_history: options.storeHistory ?? !silent, allow_stdin: options.onInput !== undefined, stop_on_error: false },
        true,
      );
      const quietId = silent || options.storeHistory === false ? future.msg.header.msg_id : undefined;
      if (quietId) this.quiet.add(quietId);
      const onInput = options.onInput;
      if (onInput) {
        future.onStdin = (msg: KernelMessage.IStdinMessage) => {
          if (msg.header.msg_type !== 'input_request') return;
          const content = msg.content as { prompt?: unknown; password?: unknown };
          const request = { prompt: typeof content.prompt === 'string' ? content.prompt : '', password: content.password === true };
          let answered = false;
          onInput(request, (value) => {
            if (answered || settled || this.isDead) return;
            answered = true;
            future.sendInputReply({ status: 'ok', value }, msg.header as KernelMessage.IInputReplyMsg['parent_header']);
          });
        };
      }
      this.inflight.add(onDeath);
      if (!silent && options.storeHistory !== false) this.cellRuns.add(onDeath);
      if (!silent) {
        const msgId = future.msg.header.msg_id;
        for (const listener of this.executionListeners) listener(msgId);
        void future.done.finally(() => {
          for (const listener of this.executionListeners) listener(undefined);
        }).catch(() => undefined);
      }
      future.onIOPub = (msg: KernelMessage.IIOPubMessage) => {
        const event = iopubToEvent(msg.header.msg_type, msg.content);
        const at = Date.now();
        this.heard.set(onDeath, at);
        if (!this.begun.has(onDeath)) this.begun.set(onDeath, at);
        if (event.kind === 'ignore' || event.kind === 'update-display') return;
        if (event.kind === 'execution-count') executionCount = event.executionCount;
        options.onEvent?.(event);
      };
      future.done.then(
        (reply) => {
          const content = reply?.content as { status?: string; execution_count?: number } | undefined;
          const status = content?.status === 'ok' || content?.status === 'error' ? content.status : 'aborted';
          if (typeof content?.execution_count === 'number' && !silent && options.storeHistory !== false) executionCount = content.execution_count;
          finish({ status, executionCount });
        },
        (error: unknown) => {
          // A death being explained fails this execution with that explanation (failInflight).
          if (!this.dying) finish({ status: 'died', executionCount, reason: `The kernel stopped answering: ${String(error)}` });
        },
      );
    });
  }

  /**
   * Open a comm on `target` carrying `data` (and binary `buffers`) and resolve with the first
   * message the kernel sends back on it before going idle. `undefined` when the kernel closed
   * the comm without answering (no such target: ipykernel closes comms it cannot open). Comm
   * messages queue in the kernel behind a running cell; `timeoutMs` bounds the wait.
   */
  request(target: string, data: Record<string, unknown>, buffers: Uint8Array[] = [], timeoutMs = 30_000): Promise<CommReply | undefined> {
    if (this.isDead) return Promise.reject(new KernelRequestError('The kernel is not running.'));
    return commRequest(this.kernel, { quiet: this.quiet, inflight: this.requests, dying: () => this.dying }, { target, data, buffers, timeoutMs });
  }

  /**
   * Interrupt the running cell. An interrupt can be lost — one that lands before the kernel has
   * begun running the code is dropped by ipykernel — so while the execution is still in flight
   * and the kernel has said nothing since, it is sent again, after 1 s and then less and less
   * often, a few times. Not sooner: a second SIGINT that lands while the kernel is still writing
   * the first one's traceback (slow on a loaded machine) interrupts IPython's own bookkeeping
   * after the cell instead, which makes it print `KeyboardInterrupt` on stderr (`runCode` counts
   * that as an interrupt too).
   */
  async interrupt(): Promise<void> {
    if (this.isDead) return;
    const pending = [...this.inflight];
    await this.kernel.interrupt();
    // Jupyter has signalled the kernel when its answer comes.
    let sentAt = Date.now();
    if (pending.length === 0) return;
    void (async () => {
      for (const wait of [1000, 1500, 2000, 3000]) {
        await delay(wait);
        if (this.isDead) return;
        // Sent again while the execution is silent since the last one, or began only after it:
        // a SIGINT that reached the kernel before the code started (it was finishing a checkpoint
        // or an earlier request) interrupted that instead, and the code runs on.
        const missed = pending.some((execution) => {
          if (!this.inflight.has(execution)) return false;
          const begun = this.begun.get(execution);
          return (this.heard.get(execution) ?? 0) < sentAt || begun === undefined || begun > sentAt;
        });
        if (!missed) return;
        await this.kernel.interrupt().catch(() => undefined);
        sentAt = Date.now();
      }
    })();
  }

  async info(): Promise<Omit<KernelInfo, 'displayName'>> {
    const reply = await this.kernel.info;
    const language = reply.language_info;
    return {
      kernelName: this.kernelName,
      language: language.name,
      languageVersion: language.version ?? '',
      fileExtension: language.file_extension ?? '',
    };
  }

  async shutdown(): Promise<void> {
    if (this.disposed) return;
    this.failInflight('The kernel was shut down.');
    this.disposed = true;
    try {
      // Jupyter answers once the process is gone (it kills it after a few seconds); never let a
      // slow answer hold up the turn or eviction that asked, the kernel is forgotten either way.
      if (!this.kernel.isDisposed) await Promise.race([this.kernel.shutdown(), delay(10_000)]);
    } catch {
      // already gone
    } finally {
      this.kernel.dispose();
    }
  }

  /**
   * The connection lost a message (one over the size limit): whatever runs now cannot finish
   * as far as Talkbook can tell. It fails at once with `reason`, and the kernel is interrupted so
   * the code stops; the connection comes back by itself and the kernel keeps its state.
   */
  messageLost(reason: string): void {
    if (this.disposed) return;
    this.failInflight(reason);
    void this.kernel.interrupt().catch(() => undefined);
  }

  /**
   * Let go of the kernel without shutting it down (another server takes the conversation over
   * and reattaches to it): what runs now ends here with `reason`, and goes on in the kernel.
   */
  detach(reason: string): void {
    this.abandon(reason);
  }

  /** Forget the kernel without asking the server (it is already gone). */
  abandon(reason: string): void {
    this.failInflight(reason);
    this.disposed = true;
    this.kernel.dispose();
  }

  /** A death was reported and the kernel has not come back since. */
  private deathReported = false;

  private onStatus(status: KernelMessage.Status) {
    // Talkbook never restarts in place (it replaces the kernel): any restart is the kernel dying.
    const unasked = status === 'autorestarting' || status === 'dead' || status === 'restarting';
    // One death is told once, though Jupyter reports it as autorestarting, then restarting or dead.
    if (status === 'idle' || status === 'busy') this.deathReported = false;
    if (unasked && !this.disposed && !this.deathReported) {
      this.deathReported = true;
      const generic = 'The kernel died (it may have run out of memory or crashed); its variables are gone.';
      const died = (reason: string) => {
        this.failInflight(reason);
        for (const listener of this.lostListeners) listener(reason);
      };
      if (!this.deathReason) died(generic);
      else {
        this.dying = true;
        void Promise.race([this.deathReason(this.kernel.id).catch(() => undefined), delay(2000).then(() => undefined)]).then((reason) => {
          this.dying = false;
          if (!this.disposed) died(reason ?? generic);
        });
      }
    }
    // Busy and idle are told from the status messages themselves (onActivity), which say whose they are.
    if (status !== 'busy' && status !== 'idle') this.tell(mapStatus(status));
  }

  /** A status message: busy for quiet work is not told; idle is told once it follows a told busy. */
  private onActivity(msg: KernelMessage.IStatusMsg) {
    const state = msg.content.execution_state;
    if (state !== 'busy' && state !== 'idle') return;
    const parent = (msg.parent_header as Partial<KernelMessage.IHeader>).msg_id;
    if (state === 'busy' && parent !== undefined && this.quiet.has(parent)) return;
    this.tell(state);
  }

  private tell(state: KernelState) {
    if (state === this.told) return;
    this.told = state;
    for (const listener of this.stateListeners) listener(state);
  }

  private failInflight(reason: string) {
    for (const fail of [...this.inflight, ...this.requests]) fail(reason);
  }
}

function mapStatus(status: KernelMessage.Status): KernelState {
  switch (status) {
    case 'unknown':
    case 'starting':
      return 'starting';
    case 'idle':
      return 'idle';
    case 'busy':
      return 'busy';
    case 'restarting':
    case 'autorestarting':
      return 'restarting';
    case 'terminating':
    case 'dead':
      return 'dead';
  }
}

export interface KernelSessionOptions {
  /**
   * Asked when the kernel dies unasked: a specific reason ("killed: out of memory at …") to tell
   * instead of the generic one, or `undefined`. Answers after 2 s are not waited for.
   */
  deathReason?: (kernelId: string) => Promise<string | undefined>;
}

/** A comm request the kernel did not answer: it died, was unreachable, or stayed busy. */

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
