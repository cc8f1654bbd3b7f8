import type { NotebookMeta } from '../../../server/notebook/index.ts';
import type { Cell } from '../../../server/protocol/index.ts';

const createdAt = '2024-01-01T00:00:00.000Z';
export const meta: NotebookMeta = {
  title: 'Sales / Q1',
  conversationId: 'c0ffee',
  kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
  language_info: { name: 'python', version: '3.11.2', file_extension: '.py' },
};

/** A conversation with every kind of cell and output, for export and import tests. */
export const sampleCells: Cell[] = [
  { id: 'a1', kind: 'user', text: 'Plot **sales**', createdAt },
  { id: 'a2', kind: 'assistant', text: 'Here you go:', createdAt },
  {
    id: 'a3',
    kind: 'code',
    author: 'assistant',
    source: 'print("hi")\ndisplay(1)\n1 + 1',
    status: 'ok',
    executionCount: 3,
    createdAt,
    outputs: [
      { output_type: 'stream', name: 'stdout', text: 'hi\n' },
      { output_type: 'display_data', data: { 'text/plain': '1', 'application/json': { a: [1] } }, metadata: {}, transient: { display_id: 'd1' } },
      { output_type: 'execute_result', execution_count: 3, data: { 'text/plain': '2', 'image/png': ['iVBO', 'Rw0K'] }, metadata: { x: 1 }, transient: {} },
    ],
  },
  { id: 'a4', kind: 'notice', level: 'warning', text: 'The kernel was restarted.', createdAt },
  {
    id: 'not a valid id!',
    kind: 'code',
    author: 'user',
    source: '1/0',
    status: 'error',
    executionCount: null,
    createdAt,
    outputs: [{ output_type: 'error', ename: 'ZeroDivisionError', evalue: 'division by zero', traceback: ['\u001b[31mTraceback'] }],
  },
  { id: 'a1', kind: 'user', text: 'same id again', createdAt },
];

