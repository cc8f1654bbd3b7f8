import type { Output } from './outputs.ts';
import { appendStreamChunk, EMPTY_STREAM } from './stream-text.ts';

/**
 * The nbformat output model of one code cell, as JupyterLab's output area applies Jupyter's
 * iopub messages: the server stores exactly what the page shows because both call these
 * functions (the conversation on the server, the reducer in the page). Pure: inputs are never
 * changed; the memo below only saves work.
 *
 * - Consecutive stream chunks of one name merge into one output, with `\r` and `\b` applied —
 *   also to the first chunk, so `print('10%\r20%')` is stored as `20%`.
 * - `clear_output(wait=True)` clears when the next output arrives (and never, if none does).
 * - `update_display_data` replaces the data of every output carrying that display id.
 */
export interface OutputArea {
  /** Never changed in place by these functions: each change is a new array. */
  readonly outputs: Output[];
  /** A `clear_output(wait=True)` waits for the next output. */
  readonly clearPending: boolean;
}

/**
 * Whether a merged stream output ends with a `\r` the next chunk acts on, remembered per output
 * object so appending never reads the (possibly megabytes long) text before it.
 */
const pendingReturn = new WeakMap<Output, boolean>();

export function appendOutput(area: OutputArea, output: Output): OutputArea {
  const outputs = area.clearPending ? [] : area.outputs;
  if (output.output_type !== 'stream') return { outputs: [...outputs, output], clearPending: false };
  const last = outputs[outputs.length - 1];
  const merging = last?.output_type === 'stream' && last.name === output.name;
  const previous = merging
    ? { text: last.text, pendingReturn: pendingReturn.get(last) ?? last.text.endsWith('\r') }
    : EMPTY_STREAM;
  const next = appendStreamChunk(previous, output.text);
  const merged: Output = { output_type: 'stream', name: output.name, text: next.text };
  pendingReturn.set(merged, next.pendingReturn);
  return { outputs: merging ? [...outputs.slice(0, -1), merged] : [...outputs, merged], clearPending: false };
}

/** `clear_output`: at once, or (`wait`) when the next output arrives. */
export function clearOutput(area: OutputArea, wait: boolean): OutputArea {
  return wait ? { outputs: area.outputs, clearPending: true } : { outputs: [], clearPending: false };
}

/** The display id an output carries (`transient.display_id`), if any. */
export function displayIdOf(output: Output): string | undefined {
  return output.output_type === 'display_data' || output.output_type === 'execute_result' ? output.transient?.display_id : undefined;
}

/**
 * `update_display_data`: every rich output whose display id is `displayId` takes the data and
 * metadata of `update`, keeping its own type and place. The same array when nothing matched.
 */
export function updateDisplay(outputs: Output[], displayId: string, update: Output): Output[] {
  if (update.output_type !== 'display_data' && update.output_type !== 'execute_result') return outputs;
  let changed = false;
  const next = outputs.map((output) => {
    if (displayIdOf(output) !== displayId || (output.output_type !== 'display_data' && output.output_type !== 'execute_result')) return output;
    changed = true;
    return { ...output, data: update.data, metadata: update.metadata };
  });
  return changed ? next : outputs;
}

/** How many of `outputs` carry `displayId`. */
export function countDisplay(outputs: readonly Output[], displayId: string): number {
  let count = 0;
  for (const output of outputs) if (displayIdOf(output) === displayId) count += 1;
  return count;
}

/**
 * What an output weighs against the per-cell cap: the text of a stream, the JSON of anything
 * else (an approximation of its stored size that never reads a stream's text twice).
 */
export function outputWeight(output: Output): number {
  return output.output_type === 'stream' ? output.text.length : JSON.stringify(output).length;
}
