import { CHART_MIME, IMAGE_MIMES, PLOTLY_MIME, TABLE_MIME, VEGA_LITE_MIMES } from '../../protocol.ts';
import { ChartRenderer, LibraryRenderer, TableRenderer } from './interactive-renderers.tsx';
import type { RendererEntry } from './renderer-props.ts';
import { HtmlRenderer, ImageRenderer, JsonRenderer, LatexRenderer, MarkdownRenderer, PlainTextRenderer, SvgRenderer } from './text-renderers.tsx';

/**
 * Every MIME type the page draws, and how. Adding a renderer is one entry here: the priority,
 * the lookup and the safety check all come from this list. Anything not listed is never
 * rendered (`application/javascript` included); `text/plain` is the fallback.
 *
 * Ranks follow JupyterLab's order, with the interactive types first: a figure's chart
 * description before its PNG, a DataFrame's table before its HTML (each keeps the other as a
 * fallback and, for charts, a switch).
 */
export const RENDERERS: readonly RendererEntry[] = [
  { mimeTypes: [CHART_MIME], rank: 100, safe: true, component: ChartRenderer },
  { mimeTypes: [TABLE_MIME], rank: 95, safe: true, component: TableRenderer },
  { mimeTypes: [PLOTLY_MIME], rank: 90, safe: false, component: LibraryRenderer },
  { mimeTypes: VEGA_LITE_MIMES, rank: 85, safe: false, component: LibraryRenderer },
  { mimeTypes: ['text/html'], rank: 80, safe: false, component: HtmlRenderer },
  { mimeTypes: ['text/markdown'], rank: 70, safe: true, component: MarkdownRenderer },
  { mimeTypes: ['text/latex'], rank: 65, safe: true, component: LatexRenderer },
  { mimeTypes: ['image/svg+xml'], rank: 60, safe: false, component: SvgRenderer },
  { mimeTypes: IMAGE_MIMES, rank: 50, safe: true, component: ImageRenderer },
  { mimeTypes: ['application/json'], rank: 20, safe: true, component: JsonRenderer },
  { mimeTypes: ['text/plain'], rank: 0, safe: true, component: PlainTextRenderer },
];

/** The MIME types the page draws, preferred first (derived from `RENDERERS`). */
export const MIME_PRIORITY: readonly string[] = [...RENDERERS]
  .sort((a, b) => b.rank - a.rank)
  .flatMap((entry) => entry.mimeTypes);

const byType = new Map(RENDERERS.flatMap((entry) => entry.mimeTypes.map((mimeType) => [mimeType, entry] as const)));

/** The registry entry that draws `mimeType`, if any. */
export function rendererFor(mimeType: string): RendererEntry | undefined {
  return byType.get(mimeType);
}
