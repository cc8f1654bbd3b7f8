import { useEffect, useLayoutEffect, type RefObject } from 'react';

/**
 * Makes an element that scrolls sideways (a wide line of code, a traceback, display math)
 * reachable with Tab, so a keyboard can scroll it too, and only while it does scroll. With
 * `selector`, the matching descendants of `ref` are checked instead (Markdown's own blocks).
 */
export function useScrollFocus(ref: RefObject<HTMLElement | null>, selector?: string): void {
  const check = () => {
    const root = ref.current;
    if (!root) return;
    for (const element of selector ? root.querySelectorAll<HTMLElement>(selector) : [root]) {
      const scrolls = element.scrollWidth > element.clientWidth + 1;
      if (scrolls && element.tabIndex < 0) element.tabIndex = 0;
      else if (!scrolls && element.hasAttribute('tabindex')) element.removeAttribute('tabindex');
    }
  };
  // Content changes (streamed text) re-render; size changes (rotation, a panel) do not.
  useLayoutEffect(check);
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const observer = new ResizeObserver(check);
    observer.observe(root);
    return () => observer.disconnect();
    // `check` reads only the ref and the selector.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selector]);
}
