/** What an empty or entirely unsafe name becomes. */
export const FALLBACK_NAME = 'upload';

/** Longest name kept, in UTF-8 bytes (file systems allow 255; "(n)" suffixes need room). */
const MAX_NAME_BYTES = 200;

/** Windows device names: a file called `con.txt` cannot be opened there. */
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i;

/** Upload parts in flight are stored under this name pattern and never listed or served. */
export const PARTIAL_NAME = /^~talkbook-upload-[0-9a-f]+\.part$/;

// Control characters: C0, DEL, C1, and the Unicode line/paragraph separators and bidi overrides
// that make a name display as something it is not.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * Reduce a client-supplied file name to a safe base name for the workspace folder: directories
 * (`/` and `\`) stripped, control characters removed, no leading dots (no hidden files, no
 * `..`), no trailing dots or spaces, Windows device names prefixed with `_`, at most 200 UTF-8
 * bytes (the extension kept). Empty → `upload`.
 */
export function safeFileName(raw: string | undefined): string {
  let name = (raw ?? '').normalize('NFC').replace(CONTROL, '');
  name = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  name = name.replace(/^[\s.]+/, '').replace(/[\s.]+$/, '');
  if (!name) return FALLBACK_NAME;
  if (RESERVED.test(name) || PARTIAL_NAME.test(name)) name = `_${name}`;
  return truncate(name);
}

/** True if `name` is exactly what `safeFileName` keeps: a name Talkbook may read or delete. */
export function isSafeFileName(name: string): boolean {
  return name.length > 0 && safeFileName(name) === name;
}

/**
 * True for a name Talkbook lists, serves and deletes in a workspace: one path segment, not
 * hidden, no control characters, not an upload in flight. Looser than `isSafeFileName` so files
 * the code wrote (`con.txt`, `  notes`) are still listed.
 */
export function isWorkspaceName(name: string): boolean {
  return name.length > 0 && !/[/\\]/.test(name) && !name.startsWith('.') && name.replace(CONTROL, '') === name && !PARTIAL_NAME.test(name);
}

/** `data.csv` → `data (n).csv`; `archive.tar.gz` → `archive (n).tar.gz`; `README` → `README (n)`. */
export function suffixedName(name: string, n: number): string {
  const { stem, extension } = splitExtension(name);
  return `${stem} (${n})${extension}`;
}

export function splitExtension(name: string): { stem: string; extension: string } {
  const match = /^(.+?)((?:\.tar)?\.[^.\s]{1,16})$/i.exec(name);
  return match ? { stem: match[1]!, extension: match[2]! } : { stem: name, extension: '' };
}

function truncate(name: string): string {
  if (Buffer.byteLength(name) <= MAX_NAME_BYTES) return name;
  const { stem, extension } = splitExtension(name);
  let kept = '';
  for (const char of stem) {
    if (Buffer.byteLength(kept + char + extension) > MAX_NAME_BYTES) break;
    kept += char;
  }
  return (kept.replace(/[\s.]+$/, '') || FALLBACK_NAME) + extension;
}
