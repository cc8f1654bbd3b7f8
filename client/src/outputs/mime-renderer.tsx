import { Latex, Markdown } from '../markdown/lazy-markdown.tsx';
import { mimeText } from '../mime/mime-text.ts';
import { ImageOutput } from './media/image-output.tsx';
import { JsonTree } from './media/json-tree.tsx';
import { SandboxedFrame } from './media/sandboxed-frame.tsx';
import { LongText } from './long-text.tsx';

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * Renders one representation of a MIME bundle. Only inert types render in the page (images as
 * data URLs, text, Markdown without raw HTML, KaTeX, JSON); HTML and SVG go to a sandboxed frame.
 */
export function MimeRenderer({ mimeType, value, metadata }: { mimeType: string; value: unknown; metadata: unknown }) {
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
