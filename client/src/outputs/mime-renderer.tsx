import { Latex, Markdown } from '../markdown/lazy-markdown.tsx';
import { mimeText } from '../mime/mime-text.ts';
import { InteractiveOutput, INTERACTIVE_TYPES, type OutputBundle } from './interactive-output.tsx';
import { ImageOutput } from './media/image-output.tsx';
import { JsonTree } from './media/json-tree.tsx';
import { SandboxedFrame } from './media/sandboxed-frame.tsx';
import { LongText } from './long-text.tsx';

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * Renders one representation of a MIME bundle. Only inert types render in the page (images as
 * data URLs, text, Markdown without raw HTML, KaTeX, JSON); HTML and SVG go to a sandboxed frame.
 * Interactive types (charts, tables, Plotly, Vega-Lite) also get the `bundle` to fall back on.
 */
export function MimeRenderer({ mimeType, value, metadata, bundle }: { mimeType: string; value: unknown; metadata: unknown; bundle?: OutputBundle }) {
  if (INTERACTIVE_TYPES.has(mimeType)) return <InteractiveOutput mimeType={mimeType} value={value} bundle={bundle} />;
  if (mimeType === 'application/json') return <JsonTree value={value} />;
  const text = mimeText(value);
  if (text === undefined) throw new Error(`${mimeType} data is not text`);
  if (IMAGE_TYPES.has(mimeType)) return <ImageOutput mimeType={mimeType} value={text} metadata={metadata} />;
  switch (mimeType) {
    case 'text/html':
      return <SandboxedFrame markup={text} title="HTML output" />;
    case 'image/svg+xml':
      return <SandboxedFrame markup={text} title="SVG output" />;
    case 'text/markdown':
      return <Markdown text={text} />;
    case 'text/latex':
      return <Latex source={text} />;
    default:
      return <LongText text={text} className="output-text" />;
  }
}
