import {
  conversationDetail,
  conversationList,
  conversationSummary,
  healthResponse,
  kernelSpecList,
  output,
  uploadedFile,
  variableList,
  workspaceFileList,
  type KernelVariable,
  type Output,
  type WorkspaceFileEntry,
  type ConversationDetail,
  type ConversationList,
  type ConversationSummary,
  type KernelSpecList,
  type UploadedFile,
} from '../protocol.ts';
import { request } from './http.ts';
import { uploadFile } from './upload.ts';
import type { z } from 'zod';

const base = '/api/conversations';
const path = (id: string, rest = '') => `${base}/${encodeURIComponent(id)}${rest}`;

/** Calls `request` for endpoints that always answer with a body. */
async function json<T>(url: string, init: RequestInit, schema: z.ZodType<T>): Promise<T> {
  const value = await request(url, init, schema);
  if (value === undefined) throw new Error(`Empty answer from ${url}`);
  return value;
}

export type Health = z.infer<typeof healthResponse>;

export const api = {
  health: (): Promise<Health> => json('/api/health', {}, healthResponse),
  kernelspecs: (): Promise<KernelSpecList> => json('/api/kernelspecs', {}, kernelSpecList),
  /** A page of conversations, newest first; with `q`, the ones whose text matches. */
  list: (query: { limit?: number; cursor?: string | undefined; q?: string | undefined; signal?: AbortSignal } = {}): Promise<ConversationList> => {
    const params = new URLSearchParams();
    if (query.limit) params.set('limit', String(query.limit));
    if (query.cursor) params.set('cursor', query.cursor);
    if (query.q) params.set('q', query.q);
    const search = params.toString();
    return json(search ? `${base}?${search}` : base, query.signal ? { signal: query.signal } : {}, conversationList);
  },
  get: (id: string): Promise<ConversationDetail> => json(path(id), {}, conversationDetail),
  create: (body: { title?: string; kernel?: string } = {}): Promise<ConversationSummary> =>
    json(base, { method: 'POST', body: JSON.stringify(body) }, conversationSummary),
  rename: async (id: string, title: string): Promise<void> => {
    await request(path(id), { method: 'PATCH', body: JSON.stringify({ title }) });
  },
  remove: async (id: string): Promise<void> => {
    await request(path(id), { method: 'DELETE' });
  },
  interrupt: async (id: string): Promise<void> => {
    await request(path(id, '/interrupt'), { method: 'POST' });
  },
  restart: async (id: string): Promise<void> => {
    await request(path(id, '/restart'), { method: 'POST' });
  },
  notebookUrl: (id: string): string => path(id, '/notebook'),
  /** The notebook and every workspace file next to it, as one zip. */
  archiveUrl: (id: string): string => path(id, '/archive'),
  files: (id: string): Promise<WorkspaceFileEntry[]> => json(path(id, '/files'), {}, workspaceFileList),
  /** The kernel's user variables (listed silently; a 409 while a cell runs). */
  variables: (id: string): Promise<KernelVariable[]> => json(path(id, '/variables'), {}, variableList),
  /** One DataFrame or Series as an output carrying the interactive table. */
  variableTable: (id: string, name: string): Promise<Output> => json(path(id, `/variables/${encodeURIComponent(name)}/table`), {}, output),
  fileUrl: (id: string, name: string): string => path(id, `/files/${encodeURIComponent(name)}`),
  /** A `.ipynb` becomes a new conversation. */
  importNotebook: (file: File, onProgress?: (fraction: number) => void): Promise<ConversationSummary> =>
    uploadFile(`${base}/import`, file, { schema: conversationSummary, onProgress }),
  /** A file into the conversation's workspace, where its code can read it. */
  upload: (id: string, file: File, onProgress?: (fraction: number) => void, signal?: AbortSignal): Promise<UploadedFile> =>
    uploadFile(path(id, '/files'), file, { schema: uploadedFile, onProgress, signal }),
};
