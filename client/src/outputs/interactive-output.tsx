import { mimeText } from '../mime/mime-text.ts';
import { CHART_MIME } from './charts/chart-spec.ts';
import { ChartOutput } from './charts/chart-output.tsx';
import { LibraryOutput } from './library/library-output.tsx';
import { PLOTLY_MIME, VEGA_LITE_MIMES } from './library/library-markup.ts';
import { LongText } from './long-text.tsx';
import { SandboxedFrame } from './media/sandboxed-frame.tsx';
import { TABLE_MIME } from './tables/table-spec.ts';
import { TableOutput } from './tables/table-output.tsx';

/** The MIME types drawn interactively: charts and tables from the kernel's startup extension, Plotly, Vega-Lite. */
export const INTERACTIVE_TYPES: ReadonlySet<string> = new Set([CHART_MIME, TABLE_MIME, PLOTLY_MIME, ...VEGA_LITE_MIMES]);

/** What an interactive output may fall back to: the rest of its bundle. */
export interface OutputBundle {
  data: Readonly<Record<string, unknown>>;
  metadata?: Readonly<Record<string, unknown>>;
}

/** Routes an interactive MIME type to its component; the chart keeps its PNG, the table its HTML. */
export function InteractiveOutput({ mimeType, value, bundle }: { mimeType: string; value: unknown; bundle: OutputBundle | undefined }) {
  const data = bundle?.data ?? {};
  switch (mimeType) {
    case CHART_MIME:
      return <ChartOutput value={value} png={mimeText(data['image/png'])} pngMetadata={bundle?.metadata?.['image/png']} />;
    case TABLE_MIME: {
      const html = mimeText(data['text/html']);
      const plain = mimeText(data['text/plain']);
      const fallback = html ? <SandboxedFrame markup={html} title="HTML output" /> : plain ? <LongText text={plain} className="output-text" /> : null;
      return <TableOutput value={value} fallback={fallback} />;
    }
    default:
      return <LibraryOutput mimeType={mimeType} value={value} />;
  }
}
