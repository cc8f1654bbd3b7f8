import { assertNever } from '../protocol/index.ts';
import type { KernelSession } from './kernel-session.ts';
import { runCode } from './run-code.ts';

/** The result of a silent execution: nothing is shown in the conversation or stored. */
export interface InspectResult {
  stdout: string;
  stderr: string;
  /** `text/plain` of the execute_result, if any. */
  result?: string;
  error?: { ename: string; evalue: string };
}

export interface InspectOptions {
  /** The kernel is interrupted after this long and the result says so (default 30 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Run with `silent: false, store_history: false` instead of `silent: true`: still not counted
   * nor kept in history, but the kernel sends the output (IRkernel sends none for silent runs).
   */
  visible?: boolean;
}

/**
 * Run code silently (no cell, no history, no execution count) and collect what it printed, its
 * `text/plain` result and its error, e.g. to gather the assistant's context. Bounded: code that
 * takes longer than `timeoutMs` is interrupted (`error.ename` is then `Timeout`), so a probe never
 * holds a conversation.
 */
export async function inspectCode(session: Pick<KernelSession, 'execute' | 'interrupt'>, code: string, options: InspectOptions = {}): Promise<InspectResult> {
  const result: InspectResult = { stdout: '', stderr: '' };
  const timeoutMs = options.timeoutMs ?? 30_000;
  const run = await runCode(session, code, {
    ...(options.visible ? { storeHistory: false } : { silent: true }),
    timeoutMs,
    signal: options.signal ?? new AbortController().signal,
    graceMs: 2000,
    onEvent: (event) => {
      if (event.kind !== 'output') return;
      const output = event.output;
      switch (output.output_type) {
        case 'stream':
          result[output.name] += output.text;
          return;
        case 'execute_result':
        case 'display_data': {
          const text = output.data['text/plain'];
          if (typeof text === 'string') result.result = (result.result ?? '') + text;
          return;
        }
        case 'error':
          result.error = { ename: output.ename, evalue: output.evalue };
          return;
        default:
          assertNever(output);
      }
    },
  });
  if (run.stop === 'timeout') result.error = { ename: 'Timeout', evalue: `stopped after ${Math.round(timeoutMs / 1000)} s` };
  return result;
}
