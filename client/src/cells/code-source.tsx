import { memo, useMemo, useRef } from 'react';
import { useScrollFocus } from '../ui/use-scroll-focus.ts';
import { grammarFor, highlightSource } from './highlight.ts';

/** A code cell's source, highlighted in the kernel's language; read-only (editing swaps in CodeMirror); long lines scroll inside it. */
export const CodeSource = memo(function CodeSource({ source, language }: { source: string; language?: string | undefined }) {
  const html = useMemo(() => highlightSource(source, language), [source, language]);
  const ref = useRef<HTMLPreElement>(null);
  useScrollFocus(ref);
  return (
    <pre className="code-source" ref={ref}>
      {/* highlight.js escapes the source; only its own <span class="hljs-…"> markup is added. */}
      <code className={`hljs language-${grammarFor(language)}`} dangerouslySetInnerHTML={{ __html: html || ' ' }} />
    </pre>
  );
});
