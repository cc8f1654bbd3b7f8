import { useMemo, type CSSProperties } from 'react';
import { ansiSpans } from './ansi-spans.ts';

/** Terminal text with ANSI colours, as a list of spans (never as HTML). */
export function AnsiText({ text }: { text: string }) {
  const spans = useMemo(() => ansiSpans(text), [text]);
  return (
    <>
      {spans.map((span, index) =>
        span.className || span.color || span.background ? (
          <span key={index} className={customForeground(span) ? joinClasses(span.className, 'ansi-custom-fg') : span.className} style={colourStyle(span)}>
            {span.text}
          </span>
        ) : (
          span.text
        ),
      )}
    </>
  );
}

type Span = ReturnType<typeof ansiSpans>[number];

/** A colour of the program's own on the theme's background: the CSS keeps it readable. */
const customForeground = (span: Span) => Boolean(span.color && !span.background && !span.className?.includes('-bg'));

const joinClasses = (...names: (string | undefined)[]) => names.filter(Boolean).join(' ');

function colourStyle(span: Span): CSSProperties | undefined {
  if (customForeground(span)) return { ['--ansi-fg' as string]: span.color };
  return span.color || span.background ? { color: span.color, background: span.background } : undefined;
}
