/**
 * Strips the math delimiters around a `text/latex` value (`$$…$$`, `\[…\]`, `\(…\)`, `$…$`).
 * Returns `undefined` when the value is not one formula (text mixed with math). Pure.
 */
export function splitLatex(source: string): string | undefined {
  const text = source.trim();
  for (const [open, close] of [['$$', '$$'], ['\\[', '\\]'], ['\\(', '\\)'], ['$', '$']] as const) {
    if (text.length >= open.length + close.length && text.startsWith(open) && text.endsWith(close)) {
      const tex = text.slice(open.length, text.length - close.length).trim();
      return tex.includes('$') ? undefined : tex;
    }
  }
  return text.includes('$') ? undefined : text;
}
