export interface Truncated {
  head: string;
  tail: string;
  /** Lines left out between `head` and `tail`; 0 when the text is short enough. */
  hiddenLines: number;
}

export interface TruncateOptions {
  /** Lines kept from the start. Default 120. */
  headLines?: number;
  /** Lines kept from the end. Default 40. */
  tailLines?: number;
  /** Texts longer than this many characters are cut too, even with few lines. Default 60 000. */
  maxChars?: number;
}

/**
 * Cuts long text to its first and last lines so a runaway loop cannot flood the page. Pure, and
 * cheap on every streamed chunk: it finds line ends with `indexOf` instead of splitting the text.
 */
export function truncateLines(text: string, options: TruncateOptions = {}): Truncated {
  const { headLines = 120, tailLines = 40, maxChars = 60_000 } = options;
  const lineCount = countNewlines(text, 0, text.length) + 1;
  if (lineCount <= headLines + tailLines + 1) {
    if (text.length <= maxChars) return { head: text, tail: '', hiddenLines: 0 };
    // Few but enormous lines: cut by characters.
    const half = Math.floor(maxChars / 2);
    const hidden = countNewlines(text, half, text.length - half) + 1;
    return { head: text.slice(0, half), tail: text.slice(text.length - half), hiddenLines: Math.max(hidden, 1) };
  }
  let headEnd = -1;
  for (let n = 0; n < headLines; n++) headEnd = text.indexOf('\n', headEnd + 1);
  let tailStart = text.length;
  for (let n = 0; n < tailLines; n++) tailStart = text.lastIndexOf('\n', tailStart - 1);
  return {
    head: headLines > 0 ? text.slice(0, headEnd) : '',
    tail: tailLines > 0 ? text.slice(tailStart + 1) : '',
    hiddenLines: lineCount - headLines - tailLines,
  };
}

/** `\n` characters in `text[from, to)`. */
function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', from); at !== -1 && at < to; at = text.indexOf('\n', at + 1)) count++;
  return count;
}
