import { useEffect, useRef } from 'react';
import { EditorState } from '@codemirror/state';
import { EditorView, drawSelection, highlightActiveLine, keymap, lineNumbers } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { python } from '@codemirror/lang-python';
import { classHighlighter } from '@lezer/highlight';

export interface CodeEditorProps {
  initial: string;
  /** Shift+Enter or Ctrl/Cmd+Enter. */
  onRun: (code: string) => void;
  /** Escape. */
  onCancel: () => void;
  /** Every edit, with the whole document. */
  onChange?: (code: string) => void;
  label: string;
}

/**
 * CodeMirror 6 for editing a cell's source (Python). Heavy: load it with `lazy-code-editor.tsx`.
 * Tokens get `tok-*` classes, coloured by the app's theme CSS.
 */
export function CodeEditor({ initial, onRun, onCancel, onChange, label }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const handlers = useRef({ onRun, onCancel, onChange });
  handlers.current = { onRun, onCancel, onChange };

  useEffect(() => {
    if (!host.current) return;
    const run = (view: EditorView) => {
      handlers.current.onRun(view.state.doc.toString());
      return true;
    };
    const view = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: initial,
        extensions: [
          lineNumbers(),
          history(),
          drawSelection(),
          highlightActiveLine(),
          indentOnInput(),
          bracketMatching(),
          closeBrackets(),
          python(),
          syntaxHighlighting(classHighlighter),
          keymap.of([
            { key: 'Shift-Enter', run },
            { key: 'Mod-Enter', run },
            { key: 'Escape', run: () => (handlers.current.onCancel(), true) },
            ...closeBracketsKeymap,
            ...defaultKeymap,
            ...historyKeymap,
            indentWithTab,
          ]),
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) handlers.current.onChange?.(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.focus();
    view.dispatch({ selection: { anchor: view.state.doc.length } });
    return () => view.destroy();
    // The editor owns its document after mount; `initial` only seeds it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return <div className="code-editor" ref={host} />;
}
