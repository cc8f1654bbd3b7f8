/**
 * Terminal-like text accumulation, as JupyterLab's output model does it: a `\r` not followed by
 * `\n` returns to the start of the current line (so tqdm progress bars stay one line) and `\b`
 * deletes the previous character. Pure, shared by the server's store and the client's reducer.
 *
 * `previous` is assumed to be a result of this function, so it holds a `\r` only as its very
 * last character. Reading even that last character of a string built with `+` makes V8 flatten
 * (copy) the whole string, so for texts built from many chunks use `appendStreamChunk`.
 */
export function appendStreamText(previous: string, chunk: string): string {
  return appendStreamChunk(previous, chunk, previous.endsWith('\r')).text;
}

export interface StreamText {
  text: string;
  /** The text ends with a `\r` the next chunk acts on (it rewrites the last line). */
  pendingReturn: boolean;
}

/**
 * `appendStreamText` for a caller that remembers `pendingReturn` from the previous append: a
 * chunk without `\r` or `\b` is then appended without reading `previous` at all, so appending
 * stays O(chunk) however long the text grows (otherwise O(text): see above).
 */
export function appendStreamChunk(previous: string, chunk: string, pendingReturn: boolean): StreamText {
  if (!pendingReturn && !chunk.includes('\r') && !chunk.includes('\b')) return { text: previous + chunk, pendingReturn: false };
  const lineStart = previous.lastIndexOf('\n') + 1;
  const head = previous.slice(0, lineStart);
  const tail = normalize(previous.slice(lineStart) + chunk);
  return { text: head + tail, pendingReturn: tail.endsWith('\r') };
}

function normalize(text: string): string {
  return fixCarriage(text.includes('\b') ? fixBackspace(text) : text);
}

function fixBackspace(text: string): string {
  let out = text;
  let prev: string;
  do {
    prev = out;
    // Delete one character before each backspace, never across a newline.
    out = out.replace(/[^\n\x08]\x08/g, '');
  } while (out.length < prev.length);
  return out.replace(/\x08+/g, '');
}

function fixCarriage(text: string): string {
  // `\r\n` is a newline. Otherwise a line shows what follows its last `\r`; a trailing `\r` on
  // the last line is kept, so the next chunk replaces the line.
  const normalized = text.replace(/\r\n/g, '\n');
  if (!normalized.includes('\r')) return normalized;
  const lines = normalized.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.includes('\r')) continue;
    const trailing = line.endsWith('\r');
    const parts = line.split('\r');
    if (trailing) parts.pop();
    const visible = parts[parts.length - 1] ?? '';
    lines[i] = trailing && i === lines.length - 1 ? `${visible}\r` : visible;
  }
  return lines.join('\n');
}
