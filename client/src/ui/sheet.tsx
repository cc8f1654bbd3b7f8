import { useEffect, useRef, type ReactNode } from 'react';
import { trapTab } from './focusables.ts';
import { useSwipeClose } from './use-swipe-close.ts';

export type SheetSide = 'left' | 'bottom' | 'center';

export interface SheetProps {
  /** The sheet's accessible name. */
  label: string;
  /** `left`: a drawer; `bottom`: a sheet from the bottom edge (phones); `center`: a modal card. */
  side: SheetSide;
  onClose: () => void;
  className?: string;
  children: ReactNode;
}

/**
 * A modal sheet on the native `<dialog>` (the rest of the page is inert while it is open).
 * Mounted means open. Escape, a tap on the backdrop, or a swipe toward its edge closes it; Tab
 * stays inside; focus goes back to where it was when it closes. Used for the drawer on small
 * screens, side panels on phones, and the shortcuts help.
 */
export function Sheet({ label, side, onClose, className, children }: SheetProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const swipe = useSwipeClose(side === 'left' ? 'left' : 'down', onClose);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    if (!dialog.open) dialog.showModal();
    return () => {
      dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={`sheet sheet-${side}${className ? ` ${className}` : ''}`}
      aria-label={label}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      // The dialog itself has no padding: a click whose target is the dialog hit its backdrop.
      onClick={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
      onKeyDown={(event) => trapTab(event, event.currentTarget)}
      {...(side === 'center' ? {} : swipe)}
    >
      {side === 'bottom' ? <div className="sheet-grabber" aria-hidden="true" /> : null}
      {children}
    </dialog>
  );
}
