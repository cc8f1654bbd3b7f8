import { toPublic, PublicError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Conversation } from './conversation.ts';
import { newId } from '../ids.ts';

/** One turn as it runs: its id (carried by its frames) and the signal that cancels it. */
export interface ActiveTurn {
  readonly id: string;
  readonly signal: AbortSignal;
}

/** A request that becomes a turn: what it answers (`run`, `ask`, `upload`, …) and its work. */
export interface TurnSpec {
  request: string;
  requestId?: string | undefined;
  work(turn: ActiveTurn): Promise<void>;
}

export interface TurnsOptions {
  log: Logger;
  /** Turns that may wait behind the running one (default 100); more are refused with a 429. */
  maxWaiting?: number;
}

/**
 * A conversation's turns: one at a time, in the order they were asked for. Each announces
 * itself (`turn` frames: started, then done, cancelled or failed with a public message), can be
 * cancelled while it runs, and may be preceded by another turn in the same slot (an automatic
 * restore before a `run`).
 */
export class Turns {
  private readonly conversation: Conversation;
  private readonly options: TurnsOptions;
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;
  private active: (ActiveTurn & { controller: AbortController }) | undefined;
  private closed = false;
  /** When a turn last started or ended (ms since epoch), for idle shutdown and LRU. */
  lastActive = Date.now();

  constructor(conversation: Conversation, options: TurnsOptions) {
    this.conversation = conversation;
    this.options = options;
  }

  /** A turn is running or waiting. */
  get busy(): boolean {
    return this.active !== undefined || this.waiting > 0;
  }

  /**
   * Queue `spec` (and, decided when its slot comes, a `prelude` turn to run first). Throws a
   * `PublicError` at once when the conversation is closing or too many turns wait; otherwise the
   * promise resolves when the turn ended, whatever its outcome (announced in frames).
   */
  enqueue(spec: TurnSpec, prelude?: () => TurnSpec | undefined): Promise<void> {
    if (this.closed) throw new PublicError('This conversation is closing.', 409);
    const max = this.options.maxWaiting ?? 100;
    if (this.waiting >= max) {
      throw new PublicError(`${max} requests are already waiting in this conversation: let them finish or cancel.`, 429);
    }
    this.waiting += 1;
    const run = this.tail.then(async () => {
      this.waiting -= 1;
      if (this.closed) return;
      const first = prelude?.();
      if (first) await this.execute(first);
      if (!this.closed) await this.execute(spec);
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Stop the running turn: its signal aborts and it ends as `cancelled`. */
  cancel(): void {
    const turn = this.active;
    if (turn && !turn.signal.aborted) turn.controller.abort();
  }

  /** Take no more turns and cancel the running one. */
  close(): void {
    this.closed = true;
    this.cancel();
  }

  /** Resolves when everything queued so far has ended. */
  idle(): Promise<void> {
    return this.tail;
  }

  private async execute(spec: TurnSpec): Promise<void> {
    const controller = new AbortController();
    const turn = { id: newId(), signal: controller.signal, controller };
    this.active = turn;
    this.lastActive = Date.now();
    const meta = { turnId: turn.id, request: spec.request, ...(spec.requestId ? { requestId: spec.requestId } : {}) };
    this.conversation.emit({ type: 'turn', state: 'started', ...meta });
    try {
      await spec.work(turn);
      this.conversation.emit({ type: 'turn', state: turn.signal.aborted ? 'cancelled' : 'done', ...meta });
    } catch (error) {
      if (turn.signal.aborted) this.conversation.emit({ type: 'turn', state: 'cancelled', ...meta });
      else this.conversation.emit({ type: 'turn', state: 'failed', error: toPublic(error, this.options.log, `a ${spec.request} turn failed`).message, ...meta });
    } finally {
      if (this.active === turn) this.active = undefined;
      this.lastActive = Date.now();
    }
  }
}
