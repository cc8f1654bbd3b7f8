import { useEffect, useLayoutEffect, useRef, type KeyboardEvent as ReactKeyboardEvent, type ReactNode } from 'react';
import type { Cell } from '../protocol.ts';
import { CellView } from '../cells/cell-view.tsx';
import { cellOf, focusCell, neighbourCell } from '../keyboard/cell-focus.ts';
import { isPlainKey, isTextEntry } from '../keyboard/shortcuts.ts';
import { useRevealCell } from '../sidebar/use-reveal-cell.ts';

/** How close to the bottom (px) still counts as "following" the conversation. */
const FOLLOW_SLACK_PX = 96;

export interface NotebookProps {
  cells: readonly Cell[];
  busy: boolean;
  onRun: (code: string, cellId: string) => void;
  onSetNoReplay: (cellId: string, noReplay: boolean) => void;
  onDelete: (cellId: string) => void;
  /** The kernel's language, for highlighting code. */
  language?: string | undefined;
  /** The cell a restore is replaying now, or where the last restore failed. */
  replayMark?: { cellId: string; kind: 'replaying' | 'failed' } | undefined;
  empty?: ReactNode;
  /** Scroll to this cell and highlight it (a search result opened here). */
  target?: string | undefined;
}

/**
 * The conversation as a notebook: every cell in order, an ARIA feed of articles. Follows new
 * output while the reader is at the bottom, and stays put once they scroll up to read. With a
 * cell focused, j / k (and Page Down / Page Up on the cell itself) move between cells, m or
 * Shift+F10 opens the cell's menu, Enter on a code cell edits it.
 */
export function Notebook({ cells, busy, onRun, onSetNoReplay, onDelete, language, replayMark, empty, target }: NotebookProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const following = useRef(true);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, []);

  useEffect(() => {
    const element = scroller.current;
    const inner = content.current;
    if (!element || !inner) return;
    const atBottom = () => element.scrollHeight - element.scrollTop - element.clientHeight < FOLLOW_SLACK_PX;
    // Only the reader stops the following (wheel, keys, scrollbar); layout shifts never do.
    const onScroll = () => {
      if (atBottom()) following.current = true;
    };
    const onWheel = (event: WheelEvent) => {
      if (event.deltaY < 0) following.current = false;
    };
    const onKey = (event: KeyboardEvent) => {
      if (['PageUp', 'ArrowUp', 'Home'].includes(event.key)) following.current = false;
    };
    const onPointer = (event: PointerEvent) => {
      if (event.target === element) following.current = false;
    };
    // Content grows (streamed text, images loading, frames sizing): keep the bottom in view.
    const observer = new ResizeObserver(() => {
      if (following.current) element.scrollTop = element.scrollHeight;
    });
    observer.observe(inner);
    element.addEventListener('scroll', onScroll, { passive: true });
    element.addEventListener('wheel', onWheel, { passive: true });
    element.addEventListener('keydown', onKey);
    element.addEventListener('pointerdown', onPointer);
    return () => {
      observer.disconnect();
      element.removeEventListener('scroll', onScroll);
      element.removeEventListener('wheel', onWheel);
      element.removeEventListener('keydown', onKey);
      element.removeEventListener('pointerdown', onPointer);
    };
  }, []);

  // The person just sent something: follow the conversation again.
  const count = cells.length;
  const newest = cells[count - 1];
  const sentByPerson = newest?.kind === 'user' || (newest?.kind === 'code' && newest.author === 'user');
  useEffect(() => {
    if (!sentByPerson) return;
    following.current = true;
    const element = scroller.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [count, sentByPerson]);

  // After the effects that scroll to the bottom, so a target cell has the last word.
  useRevealCell(scroller, following, target, cells.length);

  const last = cells[cells.length - 1];
  return (
    <div className="notebook-scroller" ref={scroller}>
      <div className="notebook" ref={content}>
        {cells.length === 0 ? (
          empty
        ) : (
          <div role="feed" className="feed" aria-label="Conversation" aria-busy={busy} onKeyDown={onFeedKey}>
            {cells.map((cell) => (
              <CellView
                key={cell.id}
                cell={cell}
                streaming={busy && cell === last}
                onRun={onRun}
                onSetNoReplay={onSetNoReplay}
                onDelete={busy ? undefined : onDelete}
                language={language}
                replay={cell.id === replayMark?.cellId ? replayMark.kind : undefined}
              />
            ))}
          </div>
        )}
      </div>
    </div>
  );
}

/** The cell keys (see the component's comment); anything typed into a field, menu or dialog is left alone. */
function onFeedKey(event: ReactKeyboardEvent<HTMLDivElement>): void {
  const target = event.target as Element;
  if (event.defaultPrevented || isTextEntry(target) || target.closest('[role="menu"], dialog')) return;
  const cell = cellOf(target);
  if (!cell) return;
  const onCell = target === cell;
  const letter = isPlainKey(event) && !event.shiftKey ? event.key : undefined;
  const menu = cell.querySelector<HTMLElement>('[data-menu="cell"]');
  const edit = cell.querySelector<HTMLElement>('[data-cell-edit]');
  if (letter === 'j' || (onCell && event.key === 'PageDown')) focusCell(neighbourCell(cell, 1));
  else if (letter === 'k' || (onCell && event.key === 'PageUp')) focusCell(neighbourCell(cell, -1));
  else if (menu && (letter === 'm' || (event.shiftKey && event.key === 'F10') || event.key === 'ContextMenu')) menu.click();
  else if (edit && onCell && event.key === 'Enter') edit.click();
  else return;
  event.preventDefault();
}
