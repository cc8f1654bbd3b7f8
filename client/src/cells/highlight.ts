import hljs from 'highlight.js/lib/core';
import plaintext from 'highlight.js/lib/languages/plaintext';
import python from 'highlight.js/lib/languages/python';
import r from 'highlight.js/lib/languages/r';

hljs.registerLanguage('python', python);
hljs.registerLanguage('r', r);
hljs.registerLanguage('plaintext', plaintext);

/** The highlight.js grammar for a kernel language: Python and R; anything else stays plain. */
export function grammarFor(language: string | undefined): string {
  const name = (language ?? 'python').toLowerCase();
  return hljs.getLanguage(name) ? name : 'plaintext';
}

/** Source as highlight.js HTML (escaped by highlight.js). Small: the kernels' languages only. */
export function highlightSource(source: string, language?: string): string {
  return hljs.highlight(source, { language: grammarFor(language), ignoreIllegals: true }).value;
}
