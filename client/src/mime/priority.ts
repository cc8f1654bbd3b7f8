/**
 * The order in which a MIME bundle's representations are preferred, richest first (the same
 * ranking JupyterLab uses). Anything not listed is never rendered; `text/plain` is the fallback.
 * Interactive types come first: a figure's chart description before its PNG, a DataFrame's
 * table before its HTML (each keeps the other as a fallback and, for charts, a switch).
 */
export const MIME_PRIORITY: readonly string[] = [
  'application/vnd.talkbook.chart+json',
  'application/vnd.talkbook.table+json',
  'application/vnd.plotly.v1+json',
  'application/vnd.vegalite.v5+json',
  'application/vnd.vegalite.v4+json',
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
