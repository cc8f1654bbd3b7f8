import { FALLBACK_NAME, safeFileName } from '../files/safe-name.ts';

/** `Sales / Q1` → `Sales - Q1.ipynb`: the download name of an exported conversation. */
export function notebookFileName(title: string): string {
  const base = safeFileName(title.replace(/[/\\]/g, '-').replace(/\.ipynb$/i, ''));
  return `${base === FALLBACK_NAME ? 'conversation' : base}.ipynb`;
}

/** `analysis.ipynb` → `analysis`: the title of an imported notebook that has none. */
export function titleFromFileName(fileName: string): string | undefined {
  const title = safeFileName(fileName).replace(/\.ipynb$/i, '').trim();
  return title && title !== FALLBACK_NAME ? title.slice(0, 200) : undefined;
}
