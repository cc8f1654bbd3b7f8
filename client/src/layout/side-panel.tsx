import type { ReactNode } from 'react';
import { Icon } from '../ui/icons.tsx';
import { Sheet } from '../ui/sheet.tsx';
import { PHONE_LAYOUT, useMediaQuery } from '../ui/use-media-query.ts';

export interface SidePanelProps {
  /** The heading and the panel's accessible name ("Files", "Variables"). */
  title: string;
  /** The close button's accessible name ("Close files"). */
  closeLabel: string;
  onClose: () => void;
  /** The panel's own class, for its content's styles. */
  className: string;
  children: ReactNode;
}

/**
 * A panel beside the open conversation (files, variables): a floating column on larger screens
 * (Escape closes it), a modal sheet from the bottom edge on phones (swipe it down, Escape or the
 * backdrop closes it). Mounted means open.
 */
export function SidePanel({ title, closeLabel, onClose, className, children }: SidePanelProps) {
  const phone = useMediaQuery(PHONE_LAYOUT);
  const head = (
    <div className="panel-head">
      <h2>{title}</h2>
      <button type="button" className="button ghost icon-only" onClick={onClose} aria-label={closeLabel} title="Close">
        <Icon name="x" />
      </button>
    </div>
  );
  if (phone) {
    return (
      <Sheet label={title} side="bottom" onClose={onClose} className={className}>
        {head}
        <div className="sheet-body">{children}</div>
      </Sheet>
    );
  }
  return (
    <aside
      className={`side-panel ${className}`}
      aria-label={title}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !event.defaultPrevented) {
          event.preventDefault();
          onClose();
        }
      }}
    >
      {head}
      {children}
    </aside>
  );
}
