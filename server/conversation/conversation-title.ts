/** The title a first question gives: its first line, spaces collapsed; `undefined` when it has none. */
export function titleOfQuestion(text: string): string | undefined {
  const line = text.trim().split('\n')[0]!.replace(/\s+/g, ' ');
  return line ? shortTitle(line) : undefined;
}

/**
 * The title code gives when a conversation starts with code, not a question: its first comment
 * (`# Load the March sales` → "Load the March sales"), if it has one.
 */
export function titleOfCode(code: string): string | undefined {
  const comment = firstComment(code);
  return comment ? shortTitle(comment) : undefined;
}

/** At most 60 characters, cut with an ellipsis. */
function shortTitle(line: string): string {
  return line.length > 60 ? `${line.slice(0, 57).trimEnd()}…` : line;
}

/** The text of the first `#` comment line of some code: not a shebang, a magic or a coding line. */
export function firstComment(code: string): string | undefined {
  for (const raw of code.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('#') || line.startsWith('#!') || /^#.*coding[:=]/.test(line)) continue;
    const text = line.replace(/^#+\s*/, '').replace(/\s+/g, ' ').trim();
    if (/[\p{L}\p{N}]/u.test(text)) return text;
  }
  return undefined;
}
