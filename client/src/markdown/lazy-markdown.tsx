import { lazy, Suspense } from 'react';

const MarkdownView = lazy(() => import('./markdown-view.tsx').then((module) => ({ default: module.MarkdownView })));
const LatexView = lazy(() => import('./latex-view.tsx').then((module) => ({ default: module.LatexView })));

/** Markdown, loaded on first use; the plain text shows meanwhile. */
export function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
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
