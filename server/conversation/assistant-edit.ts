import type { CodeCell } from '../protocol/index.ts';

/**
 * What the person's edit of a cell the assistant wrote changed, for the assistant's next
 * question: the assistant's own code (the first edit's `before` is kept through later edits)
 * and whether the outputs came out different. Undefined for the person's own cells and for a
 * re-run without an edit.
 */
export function assistantEdit(before: CodeCell, after: CodeCell): CodeCell['edited'] {
  if (before.author !== 'assistant' || before.imported) return before.edited;
  if (before.source === after.source) return before.edited;
  return {
    before: before.edited?.before ?? before.source,
    at: new Date().toISOString(),
    outputChanged: outputsKey(before) !== outputsKey(after),
  };
}

/** The outputs as they read, without display ids and execution counts (which change on every run). */
function outputsKey(cell: CodeCell): string {
  return JSON.stringify(
    cell.outputs.map((output) => {
      if (output.output_type === 'stream' || output.output_type === 'error') return output;
      return { output_type: output.output_type, data: output.data };
    }),
  );
}
