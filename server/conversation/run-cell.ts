import type { ExecutionEvent, KernelSession } from '../kernel/kernel-session.ts';
import { runCode, type RunCodeOptions } from '../kernel/run-code.ts';
import { assertNever, type CodeCell } from '../protocol/index.ts';
import type { Conversation } from './conversation.ts';
import type { StdinPrompts } from './stdin-prompts.ts';

export interface RunCellOptions extends Omit<RunCodeOptions, 'onEvent'> {
  /** Stream chunks arriving within this window are sent as one frame (default 12 ms). */
  coalesceMs?: number;
  /** Where `input()` prompts go; without it they fail at once. */
  stdin?: StdinPrompts;
}

/**
 * Run one code cell of `conversation` in `session`, its outputs going into the conversation
 * (stream chunks coalesced into fewer frames). The cell's status, execution count and failure
 * come from how the run ended (`runCode`); kernel errors, interrupts, timeouts and deaths all
 * end as data.
 */
export async function runCell(conversation: Conversation, session: KernelSession, cellId: string, options: RunCellOptions): Promise<CodeCell> {
  const cell = conversation.cell(cellId);
  if (cell?.kind !== 'code') throw new Error(`no code cell ${cellId}`);
  const coalesceMs = options.coalesceMs ?? 12;
  let pending: { name: 'stdout' | 'stderr'; text: string } | undefined;
  let timer: NodeJS.Timeout | undefined;

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
        const { output } = event;
        if (output.output_type === 'stream') {
          if (pending && pending.name !== output.name) flush();
          pending = pending ? { name: output.name, text: pending.text + output.text } : { name: output.name, text: output.text };
          timer ??= setTimeout(flush, coalesceMs);
          return;
        }
        flush();
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
    imported: undefined,
    // A new run: the last run's checkpoint no longer describes it, and it is not undone any more.
    checkpoint: undefined,
    undone: undefined,
  });

  const stdin = options.stdin?.forCell(cellId, options.signal, (text) => onEvent({ kind: 'output', output: { output_type: 'stream', name: 'stdout', text } }));
  const result = await runCode(session, cell.source, { ...options, onEvent, ...(stdin ? { signal: stdin.signal, onInput: stdin.onInput } : {}) }).finally(() => stdin?.end());
  if (stdin?.failure) result.failure = stdin.failure;
  flush();
  const current = conversation.cell(cellId);
  const executionCount = result.executionCount ?? (current?.kind === 'code' ? current.executionCount : null);
  return conversation.updateCell<CodeCell>(cellId, {
    status: result.status,
    executionCount,
    endedAt: new Date().toISOString(),
    ...(result.failure ? { failure: result.failure } : {}),
  });
}
