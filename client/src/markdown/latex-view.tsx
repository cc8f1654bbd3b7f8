import katex from 'katex';
import { useMemo, useRef } from 'react';
import { useScrollFocus } from '../ui/use-scroll-focus.ts';
import 'katex/dist/katex.min.css';
import { MarkdownView } from './markdown-view.tsx';
import { splitLatex } from './split-latex.ts';

/**
 * `text/latex` output (SymPy and friends) typeset by KaTeX as display math. Text mixed with
 * `$math$` goes through the Markdown renderer; anything KaTeX refuses shows as source.
 */
export function LatexView({ source }: { source: string }) {
  const tex = useMemo(() => splitLatex(source), [source]);
  const ref = useRef<HTMLDivElement>(null);
  useScrollFocus(ref);
  const html = useMemo(() => {
    if (tex === undefined) return undefined;
    try {
      return katex.renderToString(tex, { displayMode: true, throwOnError: true, strict: 'ignore', trust: false });
    } catch {
      return null;
    }
  }, [tex]);
  if (tex === undefined) return <div className="markdown"><MarkdownView text={source} /></div>;
  if (html === null || html === undefined) return <pre className="output-text">{source}</pre>;
  // KaTeX's own output (trust: false), not the kernel's markup.
  return <div className="output-latex" ref={ref} dangerouslySetInnerHTML={{ __html: html }} />;
}
