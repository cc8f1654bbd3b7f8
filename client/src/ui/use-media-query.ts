import { useCallback, useSyncExternalStore } from 'react';

/** Below this width the sidebar is a drawer (phones, tablets in portrait). Keep in step with layout.css. */
export const DRAWER_LAYOUT = '(max-width: 799.98px)';
/** Phones: header actions in an overflow menu, side panels as bottom sheets, cell actions in a menu. */
export const PHONE_LAYOUT = '(max-width: 719.98px)';

/** Whether a CSS media query matches now; re-renders when that changes (rotation, resize). */
export function useMediaQuery(query: string): boolean {
  const subscribe = useCallback(
    (notify: () => void) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', notify);
      return () => list.removeEventListener('change', notify);
    },
    [query],
  );
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(query).matches,
    () => false,
  );
}
