import { checkpointEngine } from '../kernel/checkpoint-engines.ts';
import type { KernelSession } from '../kernel/kernel-session.ts';
import { checkpointed } from './restore/checkpoint-restore.ts';
import type { Kernels } from '../kernel/kernels.ts';
import type { NoticeCell } from '../protocol/index.ts';
import type { Conversation } from './conversation.ts';
import type { LostState } from './restore/lost-state.ts';
import type { KernelInfo } from '../kernel/kernel-info.ts';

export interface ConversationKernelDeps {
  kernels: Kernels;
  /** Called before this conversation starts a kernel: shut others down to stay under the cap. */
  makeRoom?(conversationId: string): Promise<void>;
  /** Called before a kernel that makes checkpoints hibernates (copy its newest checkpoint into the store). */
  beforeHibernate?(conversationId: string, session: KernelSession): Promise<void>;
}

/**
 * A conversation's kernel: started on first use and wired to the conversation (its state shown,
 * its death announced), replaced on restart, shut down when idle. What the kernel held is lost
 * on each of those; `LostState` keeps account and the notices say so.
 */
export class ConversationKernel {
  private readonly conversation: Conversation;
  private readonly deps: ConversationKernelDeps;
  private readonly state: LostState;
  private readonly notice: (level: NoticeCell['level'], text: string) => void;
  private wired: KernelSession | undefined;
  /** Code ran in an earlier kernel of this conversation (before a server restart, or an import). */
  private fromEarlierKernel: boolean;

  constructor(conversation: Conversation, deps: ConversationKernelDeps, state: LostState, notice: (level: NoticeCell['level'], text: string) => void) {
    this.conversation = conversation;
    this.deps = deps;
    this.state = state;
    this.notice = notice;
    this.fromEarlierKernel = conversation.cells.some((cell) => cell.kind === 'code' && cell.executionCount !== null);
  }

  /** Whether the conversation holds a live kernel. */
  get live(): boolean {
    return this.deps.kernels.get(this.conversation.id) !== undefined;
  }

  /** A takeover: the kernel the last holder used still runs (the next `session` reattaches to it). */
  canReattach(): Promise<boolean> {
    return this.deps.kernels.canReattach(this.conversation.id, this.conversation.kernel);
  }

  /** The kernel, started (and wired to the conversation) if there is none. */
  async session(): Promise<KernelSession> {
    const { kernels } = this.deps;
    const live = kernels.get(this.conversation.id);
    if (live && live === this.wired) return live;
    if (!live) {
      // Before 'starting': a start refused for a limit leaves the kernel state as it was.
      await this.deps.makeRoom?.(this.conversation.id);
      this.conversation.setKernelState('starting');
    }
    let session: KernelSession;
    try {
      session = await kernels.session(this.conversation.id, this.conversation.kernel);
    } catch (error) {
      this.conversation.setKernelState('dead');
      throw error;
    }
    if (session !== this.wired) this.wire(session);
    return session;
  }

  /**
   * A new kernel in the same workspace, with nothing defined (restart, restore). Restarting in
   * place goes through @jupyterlab/services' reconnect, whose kernel_info can be lost (then it
   * waits, and a later restart leaves an unhandled rejection behind); a shutdown and a fresh
   * start has neither problem. The caller says what happened, so no "new kernel" notice.
   */
  async replace(): Promise<KernelSession> {
    this.fromEarlierKernel = false;
    this.wired = undefined;
    await this.deps.kernels.shutdown(this.conversation.id);
    return this.session();
  }

  /** Let go of the kernel without shutting it down: another server takes the conversation over. */
  async detach(reason: string): Promise<void> {
    this.wired = undefined;
    await this.deps.kernels.detach(this.conversation.id, reason);
  }

  async interrupt(): Promise<void> {
    await this.deps.kernels.get(this.conversation.id)?.interrupt();
  }

  async shutdown(): Promise<void> {
    await this.deps.kernels.shutdown(this.conversation.id);
  }

  /**
   * Shut the kernel down to free resources, saying why (`reason`). A kernel that makes
   * checkpoints hibernates: its state is in the checkpoint saved after its last cell (copied
   * into the store first when its disk may not last, `beforeHibernate`), and the next request
   * wakes it with its variables.
   */
  async evict(reason: string): Promise<void> {
    const session = this.deps.kernels.get(this.conversation.id);
    const hibernating = session !== undefined && (await checkpointEngine(session)) !== undefined && this.conversation.cells.some(checkpointed);
    if (hibernating) await this.deps.beforeHibernate?.(this.conversation.id, session).catch(() => undefined);
    this.wired = undefined;
    await this.deps.kernels.shutdown(this.conversation.id);
    this.conversation.setKernelState('dead');
    this.state.lost();
    if (hibernating) {
      this.notice('info', `${reason} It hibernated: its variables are in the checkpoint of its last cell, and ${this.state.wakes ? 'the next request brings them back' : 'Restore state brings them back'}.`);
    } else {
      this.notice('info', `${reason} Variables from earlier cells are gone; the next cell starts a fresh kernel.${this.state.hint()}`);
    }
  }

  /** The Jupyter server behind the kernel was lost. */
  lost(reason: string): void {
    if (!this.wired) return;
    this.wired = undefined;
    this.conversation.setKernelState('dead');
    this.state.lost();
    this.notice('warning', `${reason} Variables from earlier cells are gone; the next cell starts a fresh kernel.${this.state.hint()}`);
  }

  async info(): Promise<KernelInfo> {
    const info = await (await this.session()).info();
    const specs = await this.deps.kernels.specs().catch(() => undefined);
    return { ...info, displayName: specs?.displayNames.get(info.kernelName) ?? info.kernelName };
  }

  private wire(session: KernelSession): void {
    this.wired = session;
    session.onState((state) => {
      if (this.wired === session) this.conversation.setKernelState(state);
    });
    session.onDisplayUpdate((displayId, output) => {
      if (this.wired === session) this.conversation.updateDisplay(displayId, output);
    });
    session.onLost((reason) => {
      if (this.wired !== session) return;
      this.state.lost();
      this.notice('error', `${reason} The next cell runs in a fresh kernel.${this.state.hint()}`);
    });
    this.conversation.setKernelState(session.state);
    if (session.reattached) {
      // A takeover: the kernel the last server used, with everything it defined.
      this.fromEarlierKernel = false;
      this.notice('info', 'Another Talkbook server took this conversation over and reattached to its kernel: variables from earlier cells are still there.');
    } else if (this.fromEarlierKernel) {
      this.fromEarlierKernel = false;
      this.notice(
        'warning',
        `Started a new kernel: code in this conversation ran in an earlier kernel (before a server restart, or in the notebook it was imported from), so variables from earlier cells are gone.${this.state.hint() || ' Run the cells again to rebuild them.'}`,
      );
    }
  }
}
