import { CHART_MIME, TABLE_MIME, WIDGET_MIME, type MimeBundle } from '../protocol/index.ts';
import { cutMiddle, formatBytes, stripAnsi } from './text-budget.ts';

/** An image the model may look at (vision), decoded size in `bytes`. */
export interface ResultImage {
  mimeType: 'image/png' | 'image/jpeg';
  base64: string;
  bytes: number;
}

export interface BundleDescription {
  /** Lines for the model: one per rich MIME type, then the best text rendering. */
  lines: string[];
  images: ResultImage[];
}

const SHOWN = 'shown to the person';

/**
 * What the model is told about one MIME bundle: rich data (images, HTML, widgets) in one line
 * each with kind and size, never its bytes; text (`text/plain`, Markdown, LaTeX, JSON) as is.
 */
export function describeBundle(data: MimeBundle): BundleDescription {
  const lines: string[] = [];
  const images: ResultImage[] = [];
  let text: string | undefined;
  for (const [mime, value] of Object.entries(data)) {
    // Interactive twins of the PNG and HTML described here (kernel-config/startup): not for the model.
    if (mime === CHART_MIME || mime === TABLE_MIME) continue;
    const raw = asText(value);
    if (mime === 'text/plain') continue;
    if (mime === 'image/png' || mime === 'image/jpeg') {
      const base64 = raw.replace(/\s+/g, '');
      const bytes = base64Bytes(base64);
      lines.push(`[${mime} ${formatBytes(bytes)} image, ${SHOWN}]`);
      images.push({ mimeType: mime, base64, bytes });
    } else if (mime.startsWith('image/')) {
      const bytes = mime === 'image/svg+xml' ? utf8Bytes(raw) : base64Bytes(raw.replace(/\s+/g, ''));
      lines.push(`[${mime} ${formatBytes(bytes)} image, ${SHOWN}]`);
    } else if (mime === 'text/html') {
      lines.push(`[text/html ${htmlKind(raw)}${formatBytes(utf8Bytes(raw))}, ${SHOWN}]`);
      if (data['text/plain'] === undefined) text ??= cutMiddle(htmlToText(raw), 1_000);
    } else if (mime === 'text/markdown' || mime === 'text/latex') {
      text = raw;
    } else if (mime === 'application/json' || mime.endsWith('+json')) {
      if (mime === WIDGET_MIME) lines.push(`[interactive widget, ${SHOWN}]`);
      else text ??= cutMiddle(JSON.stringify(value), 2_000);
    } else {
      lines.push(`[${mime} ${formatBytes(utf8Bytes(raw))}, ${SHOWN}]`);
    }
  }
  const plain = data['text/plain'];
  if (plain !== undefined) {
    const plainText = stripAnsi(asText(plain));
    // "<IPython.core.display.HTML object>" says nothing the lines above did not.
    const noise = lines.length > 0 && /^<IPython\.core\.display\.\w+ object>$/.test(plainText.trim());
    if (text === undefined && !noise) text = plainText;
  }
  if (text !== undefined && text !== '') lines.push(text);
  return { lines, images };
}

/** nbformat allows multi-line strings as arrays of lines. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join('');
  return JSON.stringify(value) ?? '';
}

function base64Bytes(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((base64.length * 3) / 4) - padding);
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function htmlKind(html: string): string {
  if (/<table[\s>]/i.test(html)) return 'table ';
  if (/<img[\s>]/i.test(html)) return 'image ';
  if (/<script[\s>]/i.test(html)) return 'interactive ';
  return '';
}

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|div|tr|li|h\d)>/gi, '\n')
    .replace(/<\/t[dh]>/gi, '\t')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
