import { useRef, type ReactNode } from 'react';

export interface FileButtonProps {
  /** The accessible name (also the tooltip). */
  label: string;
  accept?: string;
  className?: string;
  disabled?: boolean;
  /** Let the picker choose several files. */
  multiple?: boolean;
  onFiles: (files: File[]) => void;
  children: ReactNode;
}

/** A button that opens the file picker (a hidden file input does the picking). */
export function FileButton({ label, accept, className, disabled, multiple, onFiles, children }: FileButtonProps) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className={className} aria-label={label} title={label} disabled={disabled} onClick={() => input.current?.click()}>
        {children}
      </button>
      <input
        ref={input}
        type="file"
        accept={accept}
        multiple={multiple}
        hidden
        tabIndex={-1}
        onChange={(event) => {
          const files = Array.from(event.target.files ?? []);
          event.target.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
    </>
  );
}
