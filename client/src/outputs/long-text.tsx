import { useMemo, useState } from 'react';
import { AnsiText } from './ansi-text.tsx';
import { truncateLines } from './truncate-lines.ts';

/** Preformatted (ANSI-coloured) text, cut in the middle with a "Show all" when very long. */
export function LongText({ text, className }: { text: string; className?: string }) {
  const [expanded, setExpanded] = useState(false);
  const cut = useMemo(() => truncateLines(text), [text]);
  if (expanded || cut.hiddenLines === 0) {
    return (
      <pre className={className}>
        <AnsiText text={text} />
      </pre>
    );
  }
  return (
    <pre className={className}>
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
