import { useEffect, useRef } from 'react';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView, drawSelection, highlightActiveLine, keymap, lineNumbers } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, indentOnInput, StreamLanguage, syntaxHighlighting } from '@codemirror/language';
import { r } from '@codemirror/legacy-modes/mode/r';
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
  /** The kernel's language (`python`, `R`); others get no syntax mode. */
  language?: string | undefined;
}

/** The CodeMirror mode for a kernel language. */
function languageMode(language: string | undefined): Extension {
  switch ((language ?? 'python').toLowerCase()) {
    case 'python':
      return python();
    case 'r':
      return StreamLanguage.define(r);
    default:
      return [];
  }
}

/**
 * CodeMirror 6 for editing a cell's source (Python or R). Heavy: load it with `lazy-code-editor.tsx`.
 * Tokens get `tok-*` classes, coloured by the app's theme CSS.
 */
export function CodeEditor({ initial, onRun, onCancel, onChange, label, language }: CodeEditorProps) {
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
          languageMode(language),
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
