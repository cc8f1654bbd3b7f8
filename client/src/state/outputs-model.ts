import { appendStreamText, type Output } from '../protocol.ts';

/**
 * Appends one output the way Jupyter's output model does: a stream chunk merges into a
 * directly preceding stream of the same name, with `\r` and `\b` applied. Pure.
 */
export function appendOutput(outputs: readonly Output[], output: Output): Output[] {
  if (output.output_type !== 'stream') return [...outputs, output];
  const last = outputs[outputs.length - 1];
  if (last?.output_type === 'stream' && last.name === output.name) {
    return [...outputs.slice(0, -1), { ...last, text: appendStreamText(last.text, output.text) }];
  }
  return [...outputs, { ...output, text: appendStreamText('', output.text) }];
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
