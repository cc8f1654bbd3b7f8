import { useEffect, useRef } from 'react';
import { focusPrompt } from './cell-focus.ts';
import { useSingleKeyShortcuts } from './shortcut-setting.ts';
import { isPlainKey, isTextEntry } from './shortcuts.ts';

/** Two presses of `i` within this long interrupt the kernel. */
const DOUBLE_PRESS_MS = 800;

export interface PageShortcutHandlers {
  /** `?` */
  help?: () => void;
  /** `i` `i` */
  interrupt?: () => void;
  /** `/` focuses the message box when this is true. */
  prompt?: boolean;
}

/**
 * The page-wide single-key shortcuts (`/`, `?`, `i i`): never while typing in a field, never
 * while a modal is open, and not at all when turned off in the shortcuts help.
 */
export function usePageShortcuts(handlers: PageShortcutHandlers): void {
  const enabled = useSingleKeyShortcuts();
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => {
    if (!enabled) return;
    let lastI = 0;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.repeat || !isPlainKey(event) || isTextEntry(event.target)) return;
      if (document.querySelector('dialog:modal')) return;
      const { help, interrupt, prompt } = latest.current;
      if (event.key === '/' && prompt) {
        if (focusPrompt()) event.preventDefault();
      } else if (event.key === '?' && help) {
        event.preventDefault();
        help();
      } else if (event.key === 'i' && interrupt) {
        const now = Date.now();
        if (now - lastI < DOUBLE_PRESS_MS) {
          lastI = 0;
          interrupt();
        } else {
          lastI = now;
        }
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [enabled]);
}
