import type { Conversation } from '../conversation.ts';
import { hasRestorableState } from './replay-plan.ts';
import type { RestoreReport } from './restore-report.ts';
import type { StateInfo } from '../turn-context.ts';

/**
 * Whether the kernel still holds what the conversation's code built, and what a restore did
 * about it: the conversation's `stateLost` flag, whether a restore is due before the next
 * request (TALKBOOK_AUTO_RESTORE), and the hint notices end with.
 */
export class LostState {
  private readonly conversation: Conversation;
  private readonly autoRestore: boolean;
  /** State was lost and no restore was tried since. */
  private due: boolean;
  /** The last restore since the state was last lost. */
  private lastRestore: RestoreReport | undefined;

  constructor(conversation: Conversation, autoRestore: boolean) {
    this.conversation = conversation;
    this.autoRestore = autoRestore;
    this.due = conversation.stateLost;
  }

  /** The kernel no longer holds what the conversation's code built (if it built anything). */
  lost(): void {
    if (!hasRestorableState(this.conversation.cells)) return;
    this.due = true;
    this.lastRestore = undefined;
    this.conversation.setStateLost(true);
  }

  /** Every cell ran again in order in this kernel: what the conversation built is back. */
  rebuilt(): void {
    this.conversation.setStateLost(false);
  }

  /** TALKBOOK_AUTO_RESTORE is on and nothing was tried since the state was lost. */
  get restoreDue(): boolean {
    return this.autoRestore && this.due;
  }

  restoreStarted(): void {
    this.due = false;
  }

  restoreEnded(report: RestoreReport): void {
    this.lastRestore = report;
    if (report.outcome === 'done') this.rebuilt();
  }

  /** A cell was undone: the kernel holds what the cells before it built, if nothing was missing. */
  undone(report: { complete: boolean }): void {
    this.due = false;
    this.lastRestore = undefined;
    if (report.complete) this.rebuilt();
  }

  info(): StateInfo {
    return { lost: this.conversation.stateLost, ...(this.lastRestore ? { restore: this.lastRestore } : {}) };
  }

  /** Whether lost state comes back by itself with the next request (TALKBOOK_AUTO_RESTORE). */
  get wakes(): boolean {
    return this.autoRestore;
  }

  /** Said after "variables are gone" when there is something to restore. */
  hint(): string {
    if (!this.conversation.stateLost) return '';
    return this.autoRestore
      ? ' They are restored automatically before the next request (TALKBOOK_AUTO_RESTORE).'
      : ' Restore state rebuilds them (from the newest checkpoint, replaying what it lacks).';
  }
}
