import { useRef } from 'react';
import { LazyCodeEditor } from '../editor/lazy-code-editor.tsx';
import { Icon } from '../ui/icons.tsx';

export interface CellEditorProps {
  source: string;
  onRun: (code: string) => void;
  onCancel: () => void;
  language?: string | undefined;
}

/** Edit-and-run-again: the editor with its keyboard hints and Run / Cancel buttons. */
export function CellEditor({ source, onRun, onCancel, language }: CellEditorProps) {
  // The editor owns the text while editing; the Run button reads the latest version from here.
  const latest = useRef(source);
  return (
    <div className="cell-editing">
      <LazyCodeEditor
        initial={source}
        language={language}
        label="Edit code"
        onChange={(code) => {
          latest.current = code;
        }}
        onRun={onRun}
        onCancel={onCancel}
      />
      <div className="editor-bar">
        <span className="editor-hint">
          <kbd>Shift</kbd>+<kbd>Enter</kbd> runs · <kbd>Esc</kbd> cancels
        </span>
        <button type="button" className="button ghost small" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="button primary small" onClick={() => onRun(latest.current)}>
          <Icon name="play" />
          Run again
        </button>
      </div>
    </div>
  );
}
