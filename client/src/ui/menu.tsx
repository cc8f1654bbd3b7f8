import { useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { Icon, type IconName } from './icons.tsx';

export interface MenuItem {
  label: string;
  icon?: IconName;
  /** Why the item does what it does, or why it is disabled (the tooltip). */
  title?: string;
  onSelect?: () => void;
  /** A link item (downloads, exports) instead of an action. */
  href?: string;
  download?: boolean;
  disabled?: boolean;
  /** A toggle: a `menuitemcheckbox` with this state. */
  checked?: boolean;
  danger?: boolean;
}

export interface MenuProps {
  /** The button's accessible name and the menu's. */
  label: string;
  icon: IconName;
  items: readonly MenuItem[];
  className?: string;
  /** Marks the button for keyboard shortcuts that open this menu (`data-menu`). */
  name?: string;
  children?: ReactNode;
}

/**
 * A menu button (WAI-ARIA pattern) on the Popover API: the menu sits in the top layer, so no
 * clipping container hides it; a click outside or Escape closes it and focus returns to the
 * button. Opening focuses the first item; arrows, Home and End move; Tab closes.
 */
export function Menu({ label, icon, items, className = 'icon-button', name, children }: MenuProps) {
  const id = useId();
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const [open, setOpen] = useState(false);

  const entries = () => [...(menu.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]:not([aria-disabled="true"])') ?? [])];
  const close = () => {
    if (menu.current?.matches(':popover-open')) menu.current.hidePopover();
    button.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const list = entries();
    const at = list.indexOf(document.activeElement as HTMLElement);
    const move = (to: number) => {
      event.preventDefault();
      list[(to + list.length) % list.length]?.focus();
    };
    switch (event.key) {
      case 'ArrowDown':
        return move(at + 1);
      case 'ArrowUp':
        return move(at - 1);
      case 'Home':
        return move(0);
      case 'End':
        return move(list.length - 1);
      case 'Tab':
        event.preventDefault();
        return close();
    }
  };

  return (
    <>
      <button
        ref={button}
        type="button"
        className={className}
        aria-label={children ? undefined : label}
        title={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={id}
        popoverTarget={id}
        data-menu={name}
      >
        <Icon name={icon} />
        {children}
      </button>
      <div
        ref={menu}
        id={id}
        role="menu"
        aria-label={label}
        popover="auto"
        className="menu"
        onKeyDown={onKeyDown}
        onToggle={(event) => {
          const opened = event.newState === 'open';
          setOpen(opened);
          if (opened && menu.current && button.current) {
            place(menu.current, button.current);
            entries()[0]?.focus();
          }
        }}
      >
        {items.map((item) => {
          const common = {
            role: item.checked === undefined ? 'menuitem' : 'menuitemcheckbox',
            'aria-checked': item.checked,
            'aria-disabled': item.disabled || undefined,
            tabIndex: -1,
            title: item.title,
            className: `menu-item${item.danger ? ' danger' : ''}`,
          } as const;
          const content = (
            <>
              {item.icon ? <Icon name={item.icon} /> : <span className="menu-icon-space" />}
              <span>{item.label}</span>
            </>
          );
          if (item.href) {
            return (
              <a key={item.label} {...common} href={item.href} download={item.download} onClick={() => close()}>
                {content}
              </a>
            );
          }
          return (
            <button
              key={item.label}
              type="button"
              {...common}
              onClick={() => {
                if (item.disabled) return;
                close();
                item.onSelect?.();
              }}
            >
              {content}
            </button>
          );
        })}
      </div>
    </>
  );
}

/** Under the button, right-aligned to it; above it when there is no room below. */
function place(menu: HTMLElement, button: HTMLElement): void {
  const anchor = button.getBoundingClientRect();
  const width = menu.offsetWidth;
  const height = menu.offsetHeight;
  const left = Math.min(Math.max(8, anchor.right - width), window.innerWidth - width - 8);
  const below = anchor.bottom + 4 + height <= window.innerHeight - 8;
  const top = below ? anchor.bottom + 4 : Math.max(8, anchor.top - 4 - height);
  menu.style.left = `${left}px`;
  menu.style.top = `${top}px`;
}
