import { memo, useMemo } from 'react';
import { highlightPython } from './highlight.ts';

/** A code cell's source, highlighted; read-only (editing swaps in CodeMirror). */
export const CodeSource = memo(function CodeSource({ source }: { source: string }) {
  const html = useMemo(() => highlightPython(source), [source]);
  return (
    <pre className="code-source">
      {/* highlight.js escapes the source; only its own <span class="hljs-…"> markup is added. */}
      <code className="hljs language-python" dangerouslySetInnerHTML={{ __html: html || ' ' }} />
    </pre>
  );
});
