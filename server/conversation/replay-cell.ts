import type { KernelSession } from '../kernel/kernel-session.ts';
import { settleExecution, type SettleOptions } from './settle-execution.ts';

export type ReplayOutcome =
  | { status: 'ok' }
  /** The cell failed now: `error` says why (`NameError: name 'df' is not defined`). */
  | { status: 'error'; error: string }
  /** Cancelled, or interrupted by the person (KeyboardInterrupt). */
  | { status: 'cancelled' };

/**
 * Run one stored cell's code again to rebuild kernel state. Its outputs are discarded (the
 * cell keeps those of its original run); only an error is kept, to say why a replay failed.
 * The request is not silent, so the kernel counts it and keeps it in its history (`In`, `_`).
 */
export async function replayCell(session: KernelSession, source: string, options: SettleOptions): Promise<ReplayOutcome> {
  let error: { ename: string; evalue: string } | undefined;
  const execution = session.execute(source, {
    onEvent: (event) => {
      if (event.kind === 'output' && event.output.output_type === 'error') {
        error ??= { ename: event.output.ename, evalue: event.output.evalue };
      }
    },
  });
  const { outcome, stop } = await settleExecution(session, execution, options);
  if (stop === 'cancelled') return { status: 'cancelled' };
  if (stop === 'timeout') {
    return { status: 'error', error: `Stopped after the cell time limit of ${Math.round(options.timeoutMs / 1000)} s (TALKBOOK_CELL_TIMEOUT_S).` };
  }
  if (!outcome) return { status: 'cancelled' };
  switch (outcome.status) {
    case 'ok':
      return { status: 'ok' };
    case 'aborted':
      // IRkernel answers an interrupted run with `status: "abort"` and no error output.
      return { status: 'cancelled' };
    case 'died':
      return { status: 'error', error: outcome.reason };
    case 'error':
      if (error?.ename === 'KeyboardInterrupt') return { status: 'cancelled' };
      return { status: 'error', error: error ? `${error.ename}: ${error.evalue}`.replace(/: $/, '') : 'The cell failed.' };
  }
}
