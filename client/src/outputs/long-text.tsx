import { useMemo, useRef, useState } from 'react';
import { useScrollFocus } from '../ui/use-scroll-focus.ts';
import { AnsiText } from './ansi-text.tsx';
import { truncateLines } from './truncate-lines.ts';

/** Preformatted (ANSI-coloured) text, cut in the middle with a "Show all" when very long. */
export function LongText({ text, className }: { text: string; className?: string }) {
  const [expanded, setExpanded] = useState(false);
  const cut = useMemo(() => truncateLines(text), [text]);
  const ref = useRef<HTMLPreElement>(null);
  useScrollFocus(ref);
  if (expanded || cut.hiddenLines === 0) {
    return (
      <pre className={className} ref={ref}>
        <AnsiText text={text} />
      </pre>
    );
  }
  return (
    <pre className={className} ref={ref}>
      <AnsiText text={cut.head} />
      {'\n'}
      <button type="button" className="show-all" onClick={() => setExpanded(true)}>
        … {cut.hiddenLines.toLocaleString()} more lines · Show all
      </button>
      {'\n'}
      <AnsiText text={cut.tail} />
    </pre>
  );
}
