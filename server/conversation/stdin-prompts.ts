import { createHash } from 'node:crypto';
import { PublicError } from '../errors.ts';
import type { InputRequest } from '../kernel/kernel-session.ts';
import type { Conversation } from './conversation.ts';

/** What a password answer is echoed as in the cell (the answer itself goes only to the kernel). */
export const HIDDEN_ANSWER = '(answer hidden)';

/** One cell run's side of stdin: hand `onInput` and `signal` to the run, `end()` it afterwards. */
export interface CellStdin {
  onInput(request: InputRequest, reply: (value: string) => void): void;
  /** The run's signal: the turn's, also aborted when a prompt goes unanswered too long. */
  readonly signal: AbortSignal;
  /** Why the run was stopped by the prompt, if it was (the cell's `failure`). */
  readonly failure: string | undefined;
  /** The run is over: a prompt still waiting ends with it. */
  end(): void;
}

interface Waiting {
  cellId: string;
  password: boolean;
  prompt: string;
  reply: (value: string) => void;
  echo: (text: string) => void;
  timer: NodeJS.Timeout;
}

/**
 * The prompts of a conversation's running cells (`input()`, `getpass()`): each is shown in
 * every tab (`stdin` frame, and in `GET` while it waits), the first `stdin_reply` answers it,
 * and one left unanswered for `timeoutMs` (TALKBOOK_STDIN_TIMEOUT_S) stops its cell with a
 * clear failure. Interrupting or cancelling the cell ends its prompt (the run ends). A password
 * answer is handed to the kernel and forgotten: the cell shows only that one was given.
 */
export class StdinPrompts {
  private readonly conversation: Conversation;
  private readonly timeoutMs: number;
  private waiting: Waiting | undefined;
  /** SHA-256 of this session's password answers (never the answers): previews hide them. */
  private readonly secrets = new Set<string>();

  constructor(conversation: Conversation, timeoutMs: number) {
    this.conversation = conversation;
    this.timeoutMs = timeoutMs;
  }

  /** Stdin for one run of `cellId`; `echo` adds the answered prompt to the cell's stdout. */
  forCell(cellId: string, turnSignal: AbortSignal, echo: (text: string) => void): CellStdin {
    const controller = new AbortController();
    const onTurnAbort = () => controller.abort();
    if (turnSignal.aborted) controller.abort();
    else turnSignal.addEventListener('abort', onTurnAbort, { once: true });
    let failure: string | undefined;
    const seconds = Math.round(this.timeoutMs / 1000);
    return {
      signal: controller.signal,
      get failure() {
        return failure;
      },
      onInput: (request, reply) => {
        this.clear();
        const timer = setTimeout(() => {
          failure = `No answer to the prompt "${request.prompt.trim() || 'input'}" within ${seconds} s (TALKBOOK_STDIN_TIMEOUT_S): the cell was stopped.`;
          this.clear();
          controller.abort();
        }, this.timeoutMs);
        timer.unref();
        this.waiting = { cellId, password: request.password, prompt: request.prompt, reply, echo, timer };
        this.conversation.showStdinPrompt({ cellId, prompt: request.prompt, password: request.password });
      },
      end: () => {
        turnSignal.removeEventListener('abort', onTurnAbort);
        if (this.waiting?.cellId === cellId) this.clear();
      },
    };
  }

  /** The person's answer to the prompt waiting in `cellId`; refused when none waits (another tab answered first). */
  answer(cellId: string, value: string): void {
    const waiting = this.waiting;
    if (waiting?.cellId !== cellId) throw new PublicError('No prompt is waiting in that cell: it was answered already, or its cell stopped.', 409);
    this.clear();
    if (waiting.password && this.secrets.size < 100) this.secrets.add(createHash('sha256').update(value).digest('hex'));
    // A line, as a terminal shows it; never the password itself.
    waiting.echo(`${waiting.prompt}${waiting.password ? HIDDEN_ANSWER : value}\n`);
    waiting.reply(value);
  }

  /** Digests of the password answers given in this conversation since the server started. */
  secretDigests(): string[] {
    return [...this.secrets];
  }

  private clear(): void {
    const waiting = this.waiting;
    if (!waiting) return;
    this.waiting = undefined;
    clearTimeout(waiting.timer);
    this.conversation.endStdinPrompt(waiting.cellId);
  }
}
