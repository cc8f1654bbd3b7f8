/**
 * The order in which a MIME bundle's representations are preferred, richest first (the same
 * ranking JupyterLab uses). Anything not listed is never rendered; `text/plain` is the fallback.
 */
export const MIME_PRIORITY: readonly string[] = [
  'text/html',
  'text/markdown',
  'text/latex',
  'image/svg+xml',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/json',
  'text/plain',
];
