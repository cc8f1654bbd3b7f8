import { mimeText } from '../../mime/mime-text.ts';
import { ChartOutput } from '../charts/chart-output.tsx';
import { LibraryOutput } from '../library/library-output.tsx';
import { LongText } from '../long-text.tsx';
import { SandboxedFrame } from '../media/sandboxed-frame.tsx';
import { TableOutput } from '../tables/table-output.tsx';
import type { MimeRendererProps } from './renderer-props.ts';

/** A figure's chart description, drawn by our own components; it keeps the PNG as a switch and fallback. */
export function ChartRenderer({ value, bundle }: MimeRendererProps) {
  return <ChartOutput value={value} png={mimeText(bundle.data['image/png'])} pngMetadata={bundle.metadata?.['image/png']} />;
}

/** A DataFrame as a sortable table; pandas' HTML (in the sandbox) or its text if the table data is invalid. */
export function TableRenderer({ value, bundle }: MimeRendererProps) {
  const html = mimeText(bundle.data['text/html']);
  const plain = mimeText(bundle.data['text/plain']);
  const fallback = html ? <SandboxedFrame markup={html} title="HTML output" /> : plain ? <LongText text={plain} className="output-text" /> : null;
  return <TableOutput value={value} fallback={fallback} />;
}

/** Plotly and Vega-Lite, drawn by their own libraries inside the sandboxed frame. */
export function LibraryRenderer({ mimeType, value }: MimeRendererProps) {
  return <LibraryOutput mimeType={mimeType} value={value} />;
}
