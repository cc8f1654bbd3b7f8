const FOCUSABLE = 'a[href], button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), summary, [tabindex]:not([tabindex="-1"]), [contenteditable="true"]';

/** The elements inside `root` that Tab reaches, in document order (hidden ones left out). */
export function focusables(root: Element): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (element) => element.tabIndex >= 0 && !element.hidden && element.checkVisibility({ visibilityProperty: true }),
  );
}

/**
 * Keeps Tab and Shift+Tab inside `root` (a modal sheet): past the last element focus wraps to
 * the first, and back. Call from the root's keydown handler.
 */
export function trapTab(event: { key: string; shiftKey: boolean; defaultPrevented: boolean; preventDefault: () => void }, root: Element): void {
  if (event.key !== 'Tab' || event.defaultPrevented) return;
  const items = focusables(root);
  const first = items[0];
  const last = items[items.length - 1];
  if (!first || !last) return;
  const active = document.activeElement;
  const inside = active instanceof Node && root.contains(active);
  if (event.shiftKey && (active === first || !inside)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || !inside)) {
    event.preventDefault();
    first.focus();
  }
}
