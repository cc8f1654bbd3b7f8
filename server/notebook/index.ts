export { toNotebook, notebookCell, notebookOutput, notebookMetadata, NBFORMAT, NBFORMAT_MINOR } from './to-notebook.ts';
export type { Notebook, NotebookCell, NotebookMeta, NotebookOutput, MarkdownRole } from './to-notebook.ts';
export { notebookJson, notebookStream } from './notebook-json.ts';
export { parseNotebook, fromNotebook, type ImportedNotebook } from './from-notebook.ts';
export { notebookV4, type NotebookV4 } from './nbformat-schema.ts';
export { notebookFileName, titleFromFileName } from './notebook-file-name.ts';
export { exportMeta } from './export-meta.ts';
export { archiveEntries } from './notebook-archive.ts';
