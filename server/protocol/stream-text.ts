/**
 * Terminal-like text accumulation, as JupyterLab's output model does it: a `\r` not followed by
 * `\n` returns to the start of the current line (so tqdm progress bars stay one line) and `\b`
 * deletes the previous character. Pure; the output model (`output-model.ts`) applies it to every
 * stream chunk, on the server and in the page alike.
 *
 * Reading even the last character of a string built with `+` makes V8 flatten (copy) the whole
 * string, so the caller carries `pendingReturn` from one append to the next instead of asking
 * the text: a chunk without `\r` or `\b` is then appended without reading `previous` at all, and
 * appending stays O(chunk) however long the text grows.
 */
export interface StreamText {
  text: string;
  /** The text ends with a `\r` the next chunk acts on (it rewrites the last line). */
  pendingReturn: boolean;
}

export const EMPTY_STREAM: StreamText = { text: '', pendingReturn: false };

/** `previous` with `chunk` appended and the `\r`/`\b` rules applied. */
export function appendStreamChunk(previous: StreamText, chunk: string): StreamText {
  if (!previous.pendingReturn && !chunk.includes('\r') && !chunk.includes('\b')) {
    return { text: previous.text + chunk, pendingReturn: false };
  }
  const lineStart = previous.text.lastIndexOf('\n') + 1;
  const head = previous.text.slice(0, lineStart);
  const tail = normalize(previous.text.slice(lineStart) + chunk);
  return { text: head + tail, pendingReturn: tail.endsWith('\r') };
}

/** The text a sequence of chunks leaves, from nothing. */
export function streamText(chunks: Iterable<string>): string {
  let acc = EMPTY_STREAM;
  for (const chunk of chunks) acc = appendStreamChunk(acc, chunk);
  return acc.text;
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
