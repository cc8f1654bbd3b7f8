import type { ExecuteOutcome, KernelSession } from '../kernel/kernel-session.ts';

export interface SettleOptions {
  /** Ends the run: the kernel is interrupted, and the run is given up on after `graceMs`. */
  signal: AbortSignal;
  timeoutMs: number;
  /** How long an interrupted run may take to stop before it is given up on (default 3 s). */
  graceMs?: number;
}

export interface Settled {
  /** Undefined when the kernel did not answer within the grace period after an interrupt. */
  outcome: ExecuteOutcome | undefined;
  /** Why the run was stopped early, if it was. */
  stop: 'cancelled' | 'timeout' | undefined;
}

/**
 * Wait for `execution` on `session`, ending it early on abort or after `timeoutMs`: the kernel
 * is interrupted, then given `graceMs` to answer.
 */
export async function settleExecution(session: KernelSession, execution: Promise<ExecuteOutcome>, options: SettleOptions): Promise<Settled> {
  let stop: Settled['stop'];
  const stopped = new Promise<void>((resolve) => {
    const onAbort = () => {
      stop ??= 'cancelled';
      resolve();
    };
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });
    const timeout = setTimeout(() => {
      stop ??= 'timeout';
      resolve();
    }, options.timeoutMs);
    timeout.unref();
    void execution.finally(() => {
      clearTimeout(timeout);
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
