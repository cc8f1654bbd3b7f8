import { PausableTimer } from './pausable-timer.ts';
import type { ExecuteOptions, ExecuteOutcome, ExecutionEvent, InputRequest, KernelSession } from './kernel-session.ts';

export interface RunCodeOptions {
  /** Ends the run: the kernel is interrupted, and the run is given up on after `graceMs`. */
  signal: AbortSignal;
  /** The run is interrupted after this long (TALKBOOK_CELL_TIMEOUT_S). */
  timeoutMs: number;
  /** How long an interrupted run may take to stop before it is given up on (default 3 s). */
  graceMs?: number;
  /** Every output, clear and execution count of this run, in order. */
  onEvent?: (event: ExecutionEvent) => void;
  /** Not shown, not counted, not in history (`silent: true` on the execute request). */
  silent?: boolean;
  /** `store_history` (see `ExecuteOptions.storeHistory`). */
  storeHistory?: boolean;
  /** Answers `input()` / `getpass()`; without it they fail at once (see `ExecuteOptions.onInput`). */
  onInput?: ExecuteOptions['onInput'];
}

/** How one run of code ended. Kernel errors are data here: only `runCode`'s caller decides what they mean. */
export interface RunResult {
  /** `interrupted`: stopped (cancel, timeout, KeyboardInterrupt, IRkernel's abort) before it finished. */
  status: 'ok' | 'error' | 'interrupted';
  executionCount: number | null;
  /** Why the run was stopped from outside, if it was. */
  stop?: 'cancelled' | 'timeout';
  /** A reason outside the kernel's own error output: the time limit, the kernel died, it would not stop. */
  failure?: string;
  /** The run's first error output, e.g. `NameError` / `name 'df' is not defined`. */
  error?: { ename: string; evalue: string };
}

/**
 * Run `code` on `session` to the end: the reply and the kernel's return to idle (the session's
 * future settles on both), or an abort or the time limit — then the kernel is interrupted and
 * given `graceMs` to answer. The one place that decides how a run ended.
 */
export async function runCode(session: Pick<KernelSession, 'execute' | 'interrupt'>, code: string, options: RunCodeOptions): Promise<RunResult> {
  let error: RunResult['error'];
  // IPython prints a KeyboardInterrupt that lands while it shows a traceback on stderr instead.
  let interruptOnStderr = false;
  // The time limit is the cell's own time: it stands still while a prompt waits for the person.
  const limit = new PausableTimer(options.timeoutMs);
  const onInput = options.onInput;
  const execution = session.execute(code, {
    ...(options.silent ? { silent: true } : {}),
    ...(onInput
      ? {
          onInput: (request: InputRequest, reply: (value: string) => void) => {
            limit.pause();
            onInput(request, (value) => {
              limit.resume();
              reply(value);
            });
          },
        }
      : {}),
    ...(options.storeHistory !== undefined ? { storeHistory: options.storeHistory } : {}),
    onEvent: (event) => {
      if (event.kind === 'output' && event.output.output_type === 'error') {
        error ??= { ename: event.output.ename, evalue: event.output.evalue };
      }
      if (event.kind === 'output' && event.output.output_type === 'stream' && event.output.name === 'stderr' && /^\s*KeyboardInterrupt\s*$/m.test(event.output.text)) {
        interruptOnStderr = true;
      }
      options.onEvent?.(event);
    },
  });
  const { outcome, stop } = await settle(session, execution, options, limit);
  return classify(outcome, stop, error ?? (interruptOnStderr ? { ename: 'KeyboardInterrupt', evalue: '' } : undefined), options.timeoutMs);
}

function classify(outcome: ExecuteOutcome | undefined, stop: RunResult['stop'], error: RunResult['error'], timeoutMs: number): RunResult {
  const base = { executionCount: outcome?.executionCount ?? null, ...(stop ? { stop } : {}), ...(error ? { error } : {}) };
  if (stop === 'timeout') {
    return { ...base, status: 'interrupted', failure: `Stopped after the cell time limit of ${Math.round(timeoutMs / 1000)} s (TALKBOOK_CELL_TIMEOUT_S).` };
  }
  if (!outcome) {
    return stop === 'cancelled'
      ? { ...base, status: 'interrupted', failure: 'The cell did not stop when interrupted; it may still be running in the kernel.' }
      : { ...base, status: 'interrupted' };
  }
  if (stop === 'cancelled') return { ...base, status: 'interrupted' };
  switch (outcome.status) {
    case 'ok':
      return { ...base, status: 'ok' };
    case 'aborted':
      // IRkernel answers an interrupted run with `status: "abort"` and no error output.
      return { ...base, status: 'interrupted' };
    case 'died':
      return { ...base, status: 'error', failure: outcome.reason };
    case 'error':
      return { ...base, status: error?.ename === 'KeyboardInterrupt' ? 'interrupted' : 'error' };
  }
}

async function settle(
  session: Pick<KernelSession, 'interrupt'>,
  execution: Promise<ExecuteOutcome>,
  options: RunCodeOptions,
  limit: PausableTimer,
): Promise<{ outcome: ExecuteOutcome | undefined; stop: RunResult['stop'] }> {
  let stop: RunResult['stop'];
  const stopped = new Promise<void>((resolve) => {
    const onAbort = () => {
      stop ??= 'cancelled';
      resolve();
    };
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });
    limit.start(() => {
      stop ??= 'timeout';
      resolve();
    });
    void execution.finally(() => {
      limit.stop();
      options.signal.removeEventListener('abort', onAbort);
    });
  });

  let outcome: ExecuteOutcome | undefined = await Promise.race([execution, stopped.then(() => undefined)]);
  if (!outcome) {
    await session.interrupt().catch(() => undefined);
    outcome = await Promise.race([execution, delay(options.graceMs ?? 3000).then(() => undefined)]);
  }
  return { outcome, stop };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
