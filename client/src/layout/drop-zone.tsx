import { useRef, useState, type DragEvent, type ReactNode } from 'react';

export interface DropZoneProps {
  className: string;
  /** What the overlay says while files are dragged over. */
  hint: string;
  onFiles: (files: File[]) => void;
  children: ReactNode;
}

/** A region that takes files dropped on it (anything else dragged is left alone). */
export function DropZone({ className, hint, onFiles, children }: DropZoneProps) {
  const [over, setOver] = useState(false);
  // dragenter/dragleave fire for every child crossed: count them to know when the drag left.
  const depth = useRef(0);
  const carriesFiles = (event: DragEvent) => Array.from(event.dataTransfer.types).includes('Files');

  return (
    <div
      className={className}
      onDragEnter={(event) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        depth.current += 1;
        setOver(true);
      }}
      onDragOver={(event) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={(event) => {
        if (!carriesFiles(event)) return;
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      }}
      onDrop={(event) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        depth.current = 0;
        setOver(false);
        const files = Array.from(event.dataTransfer.files);
        if (files.length > 0) onFiles(files);
      }}
    >
      {children}
      {over ? (
        <div className="drop-overlay" aria-hidden="true">
          <div className="drop-overlay-card">{hint}</div>
        </div>
      ) : null}
    </div>
  );
}
