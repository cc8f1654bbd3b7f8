import { useEffect, useRef, type RefObject } from 'react';

/** How long a cell opened from a search result stays highlighted. */
export const HIGHLIGHT_MS = 2_500;

/**
 * Scrolls the notebook to the cell `cellId` (a search result's match, the `#cell-…` of the
 * address) once it is rendered, focuses it and highlights it briefly. `following` is the
 * notebook's follow-the-bottom flag: turned off, so growing output does not scroll it away.
 * Each target is revealed once; a target that is not (or no longer) in the conversation is ignored.
 */
export function useRevealCell(scroller: RefObject<HTMLElement | null>, following: RefObject<boolean>, cellId: string | undefined, cellCount: number): void {
  const revealed = useRef<string | undefined>(undefined);
  useEffect(() => {
    const container = scroller.current;
    if (!cellId || revealed.current === cellId || !container) return;
    const cell = [...container.querySelectorAll<HTMLElement>('[data-cell-id]')].find((element) => element.dataset.cellId === cellId);
    if (!cell) return;
    revealed.current = cellId;
    following.current = false;
    const reveal = () => cell.scrollIntoView({ block: 'center' });
    reveal();
    cell.focus({ preventScroll: true });
    cell.classList.add('cell-target');
    // Cells far from the screen are laid out with estimated heights (content-visibility): once
    // the ones around the target are drawn, it may have moved, so look again twice.
    let frame = requestAnimationFrame(() => {
      reveal();
      frame = requestAnimationFrame(reveal);
    });
    // Not cleared by a re-render (a new cell arriving): the highlight lasts its time.
    setTimeout(() => cell.classList.remove('cell-target'), HIGHLIGHT_MS);
    return () => cancelAnimationFrame(frame);
  }, [scroller, following, cellId, cellCount]);
}
