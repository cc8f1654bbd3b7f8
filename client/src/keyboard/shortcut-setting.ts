import { useSyncExternalStore } from 'react';

const KEY = 'talkbook:single-key-shortcuts';
const listeners = new Set<() => void>();

function read(): boolean {
  try {
    return window.localStorage.getItem(KEY) !== 'off';
  } catch {
    return true;
  }
}

/** Turns the page-wide single-key shortcuts on or off (kept in this browser). */
export function setSingleKeyShortcuts(on: boolean): void {
  try {
    window.localStorage.setItem(KEY, on ? 'on' : 'off');
  } catch {
    // Storage refused (private mode): the setting lasts until reload.
  }
  listeners.forEach((listener) => listener());
}

/** Whether the page-wide single-key shortcuts (`/`, `?`, `i i`) are on. */
export function useSingleKeyShortcuts(): boolean {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    read,
    () => true,
  );
}
