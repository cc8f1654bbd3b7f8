import { useEffect, useRef } from 'react';

/** How far below the visible list the next page is already asked for. */
const AHEAD_PX = 300;

export interface PageSentinelProps {
  /** Called when the end of the list comes near the screen. */
  onVisible: () => void;
  /** Changes whenever a page arrived or a read ended: the sentinel looks again (it may still be in view). */
  version: string;
}

/**
 * The end of a list: an IntersectionObserver on its scrolling container asks for the next page
 * when the end comes within `AHEAD_PX` of the screen.
 */
export function PageSentinel({ onVisible, version }: PageSentinelProps) {
  const element = useRef<HTMLLIElement>(null);
  const callback = useRef(onVisible);
  callback.current = onVisible;
  useEffect(() => {
    const target = element.current;
    if (!target) return;
    const root = target.closest<HTMLElement>('.conversation-list');
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) callback.current();
      },
      { root, rootMargin: `0px 0px ${AHEAD_PX}px 0px` },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [version]);
  return <li ref={element} className="list-sentinel" aria-hidden="true" />;
}
