/** Pure text helpers for what the model sees: no ANSI colours, bounded length. */

// CSI (`ESC [ … final`), OSC (`ESC ] … BEL|ST`) and lone two-character escapes.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/**
 * Cuts `text` to about `budget` characters keeping its head (60 %) and tail (40 %), with a
 * line in the middle that says how much was cut. Cuts fall on line breaks when one is near.
 */
export function cutMiddle(text: string, budget: number): string {
  if (text.length <= budget) return text;
  const headSize = Math.floor(budget * 0.6);
  const tailSize = Math.max(0, budget - headSize);
  let headEnd = headSize;
  const lineBreak = text.lastIndexOf('\n', headEnd);
  if (lineBreak > headSize * 0.8) headEnd = lineBreak + 1;
  let tailStart = text.length - tailSize;
  const nextBreak = text.indexOf('\n', tailStart);
  if (nextBreak !== -1 && nextBreak < tailStart + tailSize * 0.2) tailStart = nextBreak + 1;
  if (tailStart <= headEnd) return text;
  const cut = text.slice(headEnd, tailStart);
  const lines = cut.split('\n').length - 1;
  const note = `[… ${cut.length.toLocaleString('en-US')} characters${lines ? ` (${lines.toLocaleString('en-US')} lines)` : ''} cut from the middle …]`;
  return `${text.slice(0, headEnd)}${headEnd > 0 && !text.slice(0, headEnd).endsWith('\n') ? '\n' : ''}${note}\n${text.slice(tailStart)}`;
}

/** "512 B", "34 KB", "1.2 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
