import { lazy, Suspense } from 'react';
import type { CodeEditorProps } from './code-editor.tsx';

const CodeEditor = lazy(() => import('./code-editor.tsx').then((module) => ({ default: module.CodeEditor })));

/** The CodeMirror editor, loaded on first edit. */
export function LazyCodeEditor(props: CodeEditorProps) {
  return (
    <Suspense fallback={<pre className="code-source editor-loading">{props.initial}</pre>}>
      <CodeEditor {...props} />
    </Suspense>
  );
}
