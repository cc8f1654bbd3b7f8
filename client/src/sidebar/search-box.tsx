import { useRef } from 'react';
import { Icon } from '../ui/icons.tsx';

export interface SearchBoxProps {
  value: string;
  onChange: (value: string) => void;
  /** A search is being read for what was typed. */
  busy: boolean;
}

/**
 * The sidebar's search field: searches as you type (the caller debounces), a clear button, and
 * Escape clears (a second Escape, on the empty field, goes on to close the drawer).
 */
export function SearchBox({ value, onChange, busy }: SearchBoxProps) {
  const input = useRef<HTMLInputElement>(null);
  const clear = () => {
    onChange('');
    input.current?.focus();
  };
  return (
    <div className="search-box" role="search" aria-label="Search conversations">
      <input
        ref={input}
        type="search"
        className="conversation-filter"
        aria-label="Search conversations"
        placeholder="Search conversations"
        autoComplete="off"
        spellCheck={false}
        maxLength={200}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key !== 'Escape' || !value) return;
          event.preventDefault();
          event.stopPropagation();
          onChange('');
        }}
      />
      {busy ? <span className="spinner search-spinner" aria-hidden="true" /> : null}
      {value ? (
        <button type="button" className="icon-button search-clear" aria-label="Clear search" title="Clear search (Escape)" onClick={clear}>
          <Icon name="x" />
        </button>
      ) : null}
    </div>
  );
}
