import type { ExecutionEvent, KernelSession } from '../kernel/kernel-session.ts';
import { assertNever, type CodeCell, type Output } from '../protocol/index.ts';
import type { Conversation } from './conversation.ts';
import { settleExecution, type SettleOptions } from './settle-execution.ts';

export interface CellRunOptions extends SettleOptions {
  /** Stream chunks arriving within this window are sent as one frame (default 12 ms). */
  coalesceMs?: number;
}

/**
 * Run one code cell of `conversation` in `session`, streaming outputs into the conversation.
 * Stream chunks are coalesced before they become frames; the cell's status and execution count
 * are set from the outcome. Kernel errors, interrupts, timeouts and deaths all end as data.
 */
export async function runCodeCell(
  conversation: Conversation,
  session: KernelSession,
  cellId: string,
  options: CellRunOptions,
): Promise<CodeCell> {
  const cell = conversation.cell(cellId) as CodeCell;
  const coalesceMs = options.coalesceMs ?? 12;
  let pending: { name: 'stdout' | 'stderr'; text: string } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let sawKeyboardInterrupt = false;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!pending) return;
    const { name, text } = pending;
    pending = undefined;
    conversation.appendOutput(cellId, { output_type: 'stream', name, text });
  };

  const onEvent = (event: ExecutionEvent) => {
    switch (event.kind) {
      case 'output': {
        const output: Output = event.output;
        if (output.output_type === 'stream') {
          if (pending && pending.name !== output.name) flush();
          pending = pending ? { name: output.name, text: pending.text + output.text } : { name: output.name, text: output.text };
          timer ??= setTimeout(flush, coalesceMs);
          return;
        }
        flush();
        if (output.output_type === 'error' && output.ename === 'KeyboardInterrupt') sawKeyboardInterrupt = true;
        conversation.appendOutput(cellId, output);
        return;
      }
      case 'clear':
        flush();
        conversation.clearOutput(cellId, event.wait);
        return;
      case 'execution-count':
        conversation.updateCell<CodeCell>(cellId, { executionCount: event.executionCount });
        return;
      default:
        assertNever(event);
    }
  };

  conversation.resetOutputs(cellId);
  conversation.updateCell<CodeCell>(cellId, {
    status: 'running',
    outputs: [],
    executionCount: null,
    startedAt: new Date().toISOString(),
    endedAt: undefined,
    outputTruncated: undefined,
    failure: undefined,
  });

  const execution = session.execute(cell.source, { onEvent });
  const { outcome, stop } = await settleExecution(session, execution, options);
  flush();

  let status: CodeCell['status'];
  let failure: string | undefined;
  if (stop === 'timeout') {
    status = 'interrupted';
    failure = `Stopped after the cell time limit of ${Math.round(options.timeoutMs / 1000)} s (TALKBOOK_CELL_TIMEOUT_S).`;
  } else if (stop === 'cancelled') {
    status = 'interrupted';
    failure = outcome ? undefined : 'The cell did not stop when interrupted; it may still be running in the kernel.';
  } else if (!outcome) {
    status = 'interrupted';
  } else if (outcome.status === 'died') {
    status = 'error';
    failure = outcome.reason;
  } else if (outcome.status === 'ok') {
    status = 'ok';
  } else if (outcome.status === 'aborted') {
    // IRkernel answers an interrupted run with `status: "abort"` and no error output.
    status = 'interrupted';
  } else {
    status = sawKeyboardInterrupt ? 'interrupted' : 'error';
  }
  const executionCount = outcome?.executionCount ?? (conversation.cell(cellId) as CodeCell).executionCount;
  return conversation.updateCell<CodeCell>(cellId, {
    status,
    executionCount,
    endedAt: new Date().toISOString(),
    ...(failure ? { failure } : {}),
  });
}
