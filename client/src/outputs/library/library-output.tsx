import { useMemo } from 'react';
import { SandboxedFrame } from '../media/sandboxed-frame.tsx';
import { PLOTLY_SCRIPTS, VEGA_LITE_SCRIPTS } from './library-scripts.ts';
import { PLOTLY_MIME, plotlyMarkup, vegaLiteMarkup } from './library-markup.ts';

/**
 * A Plotly figure or Vega-Lite spec drawn by the library itself, inside the same sandboxed
 * frame as untrusted HTML: the library is fetched from /assets only when such an output shows.
 */
export function LibraryOutput({ mimeType, value }: { mimeType: string; value: unknown }) {
  const plotly = mimeType === PLOTLY_MIME;
  const markup = useMemo(() => {
    if (value === null || typeof value !== 'object') return undefined;
    return plotly ? plotlyMarkup(value, PLOTLY_SCRIPTS) : vegaLiteMarkup(value, VEGA_LITE_SCRIPTS);
  }, [plotly, value]);
  if (markup === undefined) throw new Error(`${mimeType} data is not a JSON object`);
  return <SandboxedFrame markup={markup} title={plotly ? 'Plotly chart' : 'Vega-Lite chart'} />;
}
