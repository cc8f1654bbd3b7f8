import ReactMarkdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import rehypeKatex from 'rehype-katex';
import 'katex/dist/katex.min.css';
import { highlightCode } from './code-languages.ts';

const components: Components = {
  a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noopener noreferrer" />,
  code: ({ node: _node, className, children, ...props }) => {
    const language = /\blanguage-([\w-]+)/.exec(className ?? '')?.[1];
    const html = language && typeof children === 'string' ? highlightCode(children, language) : undefined;
    if (html === undefined) return <code className={className} {...props}>{children}</code>;
    // highlight.js escapes the code; only its own <span class="hljs-…"> markup is added.
    return <code className={`hljs ${className ?? ''}`} {...props} dangerouslySetInnerHTML={{ __html: html }} />;
  },
};

/**
 * Markdown with GFM tables, $math$ (KaTeX) and highlighted code (highlight.js, a few languages).
 * Raw HTML in the source is not rendered (no rehype-raw): Markdown from a model or a kernel
 * cannot inject markup.
 * This module is heavy: load it with `lazy-markdown.tsx`.
 */
export function MarkdownView({ text }: { text: string }) {
  return (
    <ReactMarkdown
      remarkPlugins={[remarkGfm, remarkMath]}
      rehypePlugins={[[rehypeKatex, { throwOnError: false, strict: 'ignore' }]]}
      components={components}
    >
      {text}
    </ReactMarkdown>
  );
}
