import type { DisplayDataOutput, ExecuteResultOutput } from '../protocol.ts';
import { MIME_PRIORITY } from '../mime/priority.ts';
import { selectMimeType } from '../mime/select-mime-type.ts';
import { MimeRenderer } from './mime-renderer.tsx';

/** display_data / execute_result: the bundle's richest representation this page can show. */
export function RichOutput({ output }: { output: DisplayDataOutput | ExecuteResultOutput }) {
  const mimeType = selectMimeType(output.data, MIME_PRIORITY);
  if (!mimeType) {
    const types = Object.keys(output.data).join(', ') || 'nothing';
    return <div className="output-unsupported">No renderer for this output ({types}).</div>;
  }
  return <MimeRenderer mimeType={mimeType} value={output.data[mimeType]} metadata={output.metadata[mimeType]} bundle={output} />;
}
