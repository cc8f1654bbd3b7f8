import { appendStreamChunk, type Output } from '../protocol.ts';

/**
 * Whether a merged stream output ends with a `\r` the next chunk acts on. Remembered per output
 * object so appending a chunk never reads the (possibly megabytes long) text before it.
 */
const pendingReturn = new WeakMap<Output, boolean>();

/**
 * Appends one output the way Jupyter's output model does: a stream chunk merges into a
 * directly preceding stream of the same name, with `\r` and `\b` applied. Pure (the memo above
 * only saves work).
 */
export function appendOutput(outputs: readonly Output[], output: Output): Output[] {
  if (output.output_type !== 'stream') return [...outputs, output];
  const last = outputs[outputs.length - 1];
  const merging = last?.output_type === 'stream' && last.name === output.name;
  const previous = merging ? last.text : '';
  const pending = merging ? (pendingReturn.get(last) ?? previous.endsWith('\r')) : false;
  const next = appendStreamChunk(previous, output.text, pending);
  const merged: Output = { ...(merging ? last : output), text: next.text };
  pendingReturn.set(merged, next.pendingReturn);
  return merging ? [...outputs.slice(0, -1), merged] : [...outputs, merged];
}

/**
 * Replaces the data of every rich output whose `transient.display_id` is `displayId`, keeping
 * its own type and place (`update_display_data`). Returns the same array when nothing matched.
 */
export function updateDisplay(outputs: readonly Output[], displayId: string, update: Output): readonly Output[] {
  if (update.output_type !== 'display_data' && update.output_type !== 'execute_result') return outputs;
  let changed = false;
  const next = outputs.map((output) => {
    if (output.output_type !== 'display_data' && output.output_type !== 'execute_result') return output;
    if (output.transient?.display_id !== displayId) return output;
    changed = true;
    return { ...output, data: update.data, metadata: update.metadata };
  });
  return changed ? next : outputs;
}
