import { Latex, Markdown } from '../../markdown/lazy-markdown.tsx';
import { mimeText } from '../../mime/mime-text.ts';
import { LongText } from '../long-text.tsx';
import { ImageOutput } from '../media/image-output.tsx';
import { JsonTree } from '../media/json-tree.tsx';
import { SandboxedFrame } from '../media/sandboxed-frame.tsx';
import type { MimeRendererProps } from './renderer-props.ts';

/** The value as text, or a throw the output's error boundary turns into a notice. */
function text({ mimeType, value }: MimeRendererProps): string {
  const result = mimeText(value);
  if (result === undefined) throw new Error(`${mimeType} data is not text`);
  return result;
}

export const HtmlRenderer = (props: MimeRendererProps) => <SandboxedFrame markup={text(props)} title="HTML output" />;
export const SvgRenderer = (props: MimeRendererProps) => <SandboxedFrame markup={text(props)} title="SVG output" />;
export const MarkdownRenderer = (props: MimeRendererProps) => <Markdown text={text(props)} />;
export const LatexRenderer = (props: MimeRendererProps) => <Latex source={text(props)} />;
export const ImageRenderer = (props: MimeRendererProps) => <ImageOutput mimeType={props.mimeType} value={text(props)} metadata={props.metadata} />;
export const JsonRenderer = ({ value }: MimeRendererProps) => <JsonTree value={value} />;
export const PlainTextRenderer = (props: MimeRendererProps) => <LongText text={text(props)} className="output-text" />;
