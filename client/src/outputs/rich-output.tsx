import type { DisplayDataOutput, ExecuteResultOutput } from '../protocol.ts';
import { selectMimeType } from '../mime/select-mime-type.ts';
import { MIME_PRIORITY, rendererFor } from './renderers/registry.ts';

/** display_data / execute_result: the bundle's richest representation this page can show. */
export function RichOutput({ output }: { output: DisplayDataOutput | ExecuteResultOutput }) {
  const mimeType = selectMimeType(output.data, MIME_PRIORITY);
  const entry = mimeType ? rendererFor(mimeType) : undefined;
  if (!mimeType || !entry) {
    const types = Object.keys(output.data).join(', ') || 'nothing';
    return <div className="output-unsupported">No renderer for this output ({types}).</div>;
  }
  const Renderer = entry.component;
  return <Renderer mimeType={mimeType} value={output.data[mimeType]} metadata={output.metadata[mimeType]} bundle={output} />;
}
