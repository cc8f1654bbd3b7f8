import { useMemo } from 'react';
import { ansiSpans } from './ansi-spans.ts';

/** Terminal text with ANSI colours, as a list of spans (never as HTML). */
export function AnsiText({ text }: { text: string }) {
  const spans = useMemo(() => ansiSpans(text), [text]);
  return (
    <>
      {spans.map((span, index) =>
        span.className || span.color || span.background ? (
          <span
            key={index}
            className={span.className}
            style={span.color || span.background ? { color: span.color, background: span.background } : undefined}
          >
            {span.text}
          </span>
        ) : (
          span.text
        ),
      )}
    </>
  );
}
