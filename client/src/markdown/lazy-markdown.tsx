import { lazy, Suspense, useRef } from 'react';
import { useScrollFocus } from '../ui/use-scroll-focus.ts';

const MarkdownView = lazy(() => import('./markdown-view.tsx').then((module) => ({ default: module.MarkdownView })));
const LatexView = lazy(() => import('./latex-view.tsx').then((module) => ({ default: module.LatexView })));

/** Blocks of Markdown that scroll sideways on a narrow screen. */
const SCROLLING_BLOCKS = 'pre, table, .katex-display';

/** Markdown, loaded on first use; the plain text shows meanwhile. */
export function Markdown({ text }: { text: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useScrollFocus(ref, SCROLLING_BLOCKS);
  return (
    <div className="markdown" ref={ref}>
      <Suspense fallback={<div className="markdown-pending">{text}</div>}>
        <MarkdownView text={text} />
      </Suspense>
    </div>
  );
}

/** LaTeX, loaded on first use; the source shows meanwhile. */
export function Latex({ source }: { source: string }) {
  return (
    <Suspense fallback={<pre className="output-text">{source}</pre>}>
      <LatexView source={source} />
    </Suspense>
  );
}
