import hljs from 'highlight.js/lib/core';
import python from 'highlight.js/lib/languages/python';

hljs.registerLanguage('python', python);

/** Python source as highlight.js HTML (escaped by highlight.js). Small: one language only. */
export function highlightPython(source: string): string {
  return hljs.highlight(source, { language: 'python', ignoreIllegals: true }).value;
}
