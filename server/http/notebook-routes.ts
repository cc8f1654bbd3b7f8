import { Hono } from 'hono';
import { newId } from '../ids.ts';
import type { Conversations } from '../conversation/conversations.ts';
import { attachmentDisposition, collectBytes, readFilePart, UploadTooLargeError, zipStream, type WorkspaceFiles } from '../files/index.ts';
import type { Kernels } from '../kernel/kernels.ts';
import { archiveEntries, exportMeta, fromNotebook, notebookFileName, notebookStream, parseNotebook, titleFromFileName } from '../notebook/index.ts';
import { oversized, refuseOversized } from './files-routes.ts';
import type { StorageQuota } from './storage-quota.ts';

export interface NotebookRoutesDeps {
  conversations: Conversations;
  kernels: Kernels;
  files: WorkspaceFiles;
  /** Largest notebook to import (`TALKBOOK_MAX_UPLOAD_MB` in bytes). */
  maxImportBytes: number;
  /** Output kept per imported cell (`TALKBOOK_MAX_OUTPUT_MB` in bytes). */
  maxCellOutputBytes: number;
  /** TALKBOOK_STORAGE_QUOTA_MB: an import is refused while the caller is over it. */
  quota?: StorageQuota;
}

/**
 * Conversations as `.ipynb` (mounted under `/api`, after auth): `GET /conversations/:id/notebook`
 * streams the export one cell at a time; `GET /conversations/:id/archive` streams a zip of that
 * notebook and the workspace files next to it; `POST /conversations/import` (multipart field `file`)
 * starts a new conversation from a notebook's cells. The import limits its own body size.
 */
export function notebookRoutes(deps: NotebookRoutesDeps): Hono {
  const routes = new Hono();

  routes.get('/conversations/:id/notebook', async (c) => {
    const { conversation } = (await deps.conversations.get(c.req.param('id')));
    const meta = await exportMeta(conversation, deps.kernels);
    // A snapshot of the cell list: cells added while the export streams are not in it.
    const body = notebookStream([...conversation.cells], meta);
    return c.body(body, 200, {
      'Content-Type': 'application/x-ipynb+json',
      'Content-Disposition': attachmentDisposition(notebookFileName(conversation.title)),
      'Cache-Control': 'no-store',
    });
  });

  routes.get('/conversations/:id/archive', async (c) => {
    const { conversation } = (await deps.conversations.get(c.req.param('id')));
    const meta = await exportMeta(conversation, deps.kernels);
    const name = notebookFileName(conversation.title);
    const notebook = { name, bytes: notebookStream([...conversation.cells], meta) };
    return c.body(zipStream(archiveEntries(notebook, conversation.id, deps.files)), 200, {
      'Content-Type': 'application/zip',
      'Content-Disposition': attachmentDisposition(name.replace(/\.ipynb$/, '.zip')),
      'Cache-Control': 'no-store',
    });
  });

  routes.post('/conversations/import', async (c) => {
    const tooLarge = refuseOversized(c, deps.maxImportBytes);
    if (tooLarge) return tooLarge;
    const caller = c.get('caller').user.id;
    await deps.quota?.check(caller, caller);
    const part = await readFilePart(c.req.raw, { maxBytes: deps.maxImportBytes });
    let bytes: Buffer;
    try {
      bytes = await collectBytes(part.bytes);
    } catch (error) {
      part.discard();
      if (error instanceof UploadTooLargeError) return oversized(c, error);
      throw error;
    }
    const imported = fromNotebook(parseNotebook(bytes.toString('utf8')), { newId, now: new Date().toISOString(), maxCellOutputBytes: deps.maxCellOutputBytes });
    const specs = await deps.kernels.specs();
    const kernel = specs.kernelspecs.some((spec) => spec.name === imported.kernelName) ? imported.kernelName! : specs.default;
    const conversation = await deps.conversations.create({
      title: imported.title ?? titleFromFileName(part.filename),
      kernel,
      cells: imported.cells,
      ownerId: caller,
    });
    return c.json(conversation.summary(), 201);
  });

  return routes;
}
