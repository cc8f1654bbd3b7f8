/**
 * The conversation's cells as the keyboard sees them: the feed (`[role=feed]`) holds one
 * focusable `<article data-cell-id>` per cell.
 */
export function cellArticles(root: ParentNode = document): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('[role="feed"] > article[data-cell-id]')];
}

/** The cell `element` is in, if any. */
export function cellOf(element: Element | null): HTMLElement | undefined {
  const article = element?.closest<HTMLElement>('article[data-cell-id]');
  return article ?? undefined;
}

/** Focuses a cell and brings it into view. */
export function focusCell(article: HTMLElement | undefined): boolean {
  if (!article) return false;
  article.focus({ preventScroll: true });
  article.scrollIntoView({ block: 'nearest' });
  return true;
}

/** The cell `by` cells away from `from` (clamped); the first or last when `from` is none. */
export function neighbourCell(from: HTMLElement | undefined, by: number): HTMLElement | undefined {
  const cells = cellArticles();
  if (cells.length === 0) return undefined;
  if (!from) return by > 0 ? cells[0] : cells[cells.length - 1];
  const at = cells.indexOf(from);
  return cells[Math.min(Math.max(at + by, 0), cells.length - 1)];
}

/** Before a cell goes away: the cell that should get focus instead (the next one, else the previous). */
export function cellAfterRemoving(article: HTMLElement): HTMLElement | undefined {
  const cells = cellArticles();
  const at = cells.indexOf(article);
  return cells[at + 1] ?? cells[at - 1];
}

/** The message box. */
export function focusPrompt(): boolean {
  const box = document.querySelector<HTMLTextAreaElement>('textarea[data-prompt]');
  box?.focus();
  return box !== null;
}
