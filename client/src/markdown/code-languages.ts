import bash from 'highlight.js/lib/languages/bash';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import r from 'highlight.js/lib/languages/r';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import hljs from 'highlight.js/lib/core';
import type { LanguageFn } from 'highlight.js';

/** The languages fenced code in Markdown is highlighted in: what a data notebook shows. */
export const CODE_LANGUAGES: Record<string, LanguageFn> = {
  bash,
  javascript,
  json,
  markdown,
  python,
  r,
  shell,
  sql,
  typescript,
  xml,
  yaml,
};

for (const [name, language] of Object.entries(CODE_LANGUAGES)) hljs.registerLanguage(name, language);
hljs.registerAliases(['py', 'ipython'], { languageName: 'python' });
hljs.registerAliases(['sh', 'console'], { languageName: 'bash' });
hljs.registerAliases(['js'], { languageName: 'javascript' });
hljs.registerAliases(['ts'], { languageName: 'typescript' });
hljs.registerAliases(['html', 'svg'], { languageName: 'xml' });

/** highlight.js HTML for `code` in `language`, or `undefined` for a language not bundled. */
export function highlightCode(code: string, language: string): string | undefined {
  if (!hljs.getLanguage(language)) return undefined;
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}
