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
 * Cuts long text to its first and last lines so a runaway loop cannot flood the page. Pure.
 */
export function truncateLines(text: string, options: TruncateOptions = {}): Truncated {
  const { headLines = 120, tailLines = 40, maxChars = 60_000 } = options;
  const lines = text.split('\n');
  if (lines.length <= headLines + tailLines + 1) {
    if (text.length <= maxChars) return { head: text, tail: '', hiddenLines: 0 };
    // Few but enormous lines: cut by characters.
    const half = Math.floor(maxChars / 2);
    const hidden = text.slice(half, text.length - half).split('\n').length;
    return { head: text.slice(0, half), tail: text.slice(text.length - half), hiddenLines: Math.max(hidden, 1) };
  }
  return {
    head: lines.slice(0, headLines).join('\n'),
    tail: lines.slice(lines.length - tailLines).join('\n'),
    hiddenLines: lines.length - headLines - tailLines,
  };
}
