import { Hono, type Context } from 'hono';
import type { Conversations } from '../conversation/conversations.ts';
import {
  attachmentDisposition,
  contentTypeOf,
  readFilePart,
  safeFileName,
  UploadTooLargeError,
  type WorkspaceFiles,
} from '../files/index.ts';
import type { Logger } from '../log.ts';
import type { StorageQuota } from './storage-quota.ts';

export interface FilesRoutesDeps {
  conversations: Conversations;
  files: WorkspaceFiles;
  /** `TALKBOOK_MAX_UPLOAD_MB` in bytes. */
  maxUploadBytes: number;
  /** TALKBOOK_STORAGE_QUOTA_MB: uploads are refused while the conversation's owner is over it. */
  quota?: StorageQuota;
  log: Logger;
}

/** Room for the multipart framing around a file when judging `Content-Length`. */
export const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/**
 * A conversation's workspace over HTTP (mounted under `/api`, after auth):
 * `GET/POST /conversations/:id/files`, `GET/DELETE /conversations/:id/files/:name`.
 * Uploads stream into the workspace (busboy → chunked contents PUTs) and are then announced
 * to the conversation (a summary notice for tables). This route limits its own body size.
 */
export function filesRoutes(deps: FilesRoutesDeps): Hono {
  const routes = new Hono();

  routes.get('/conversations/:id/files', async (c) => {
    const { conversation } = (await deps.conversations.get(c.req.param('id')));
    return c.json(await deps.files.list(conversation.id));
  });

  routes.post('/conversations/:id/files', async (c) => {
    const runtime = (await deps.conversations.get(c.req.param('id')));
    await deps.quota?.check(runtime.conversation.ownerId, c.get('caller').user.id);
    const tooLarge = refuseOversized(c, deps.maxUploadBytes);
    if (tooLarge) return tooLarge;
    const part = await readFilePart(c.req.raw, { maxBytes: deps.maxUploadBytes });
    let stored;
    try {
      stored = await deps.files.write(runtime.conversation.id, safeFileName(part.filename), part.bytes);
    } catch (error) {
      part.discard();
      if (error instanceof UploadTooLargeError) return oversized(c, error);
      throw error;
    }
    runtime.announceUpload(stored.name, stored.size).catch((error: unknown) => deps.log.warn(`could not announce the upload of ${stored.name}`, error));
    return c.json({ name: stored.name, size: stored.size }, 201);
  });

  routes.get('/conversations/:id/files/:name', async (c) => {
    const { conversation } = (await deps.conversations.get(c.req.param('id')));
    const { file, body } = await deps.files.read(conversation.id, c.req.param('name'));
    return c.body(body, 200, {
      'Content-Type': contentTypeOf(file.name),
      'Content-Length': String(file.size),
      'Content-Disposition': attachmentDisposition(file.name),
      'Cache-Control': 'no-store',
    });
  });

  routes.delete('/conversations/:id/files/:name', async (c) => {
    const { conversation } = (await deps.conversations.get(c.req.param('id')));
    await deps.files.delete(conversation.id, c.req.param('name'));
    return c.body(null, 204);
  });

  return routes;
}

/** The slowest upload Talkbook waits for: 32 KiB/s (256 kbit/s). */
const SLOWEST_UPLOAD_BYTES_PER_S = 32 * 1024;

/**
 * Node's `server.requestTimeout` (300 s by default) ends any request still receiving its body,
 * which would cut a 100 MB upload on a link under 2.7 Mbit/s. Allow the largest upload at the
 * slowest rate, never less than Node's default. (Slow headers are still cut after 60 s, and
 * requests without the token are answered before their body is read.)
 */
export function requestTimeoutMs(maxUploadBytes: number): number {
  return Math.max(300_000, Math.ceil(((maxUploadBytes + MULTIPART_OVERHEAD_BYTES) / SLOWEST_UPLOAD_BYTES_PER_S) * 1000));
}

/** 413 before reading a body whose `Content-Length` is already over the limit. */
export function refuseOversized(c: Context, maxBytes: number): Response | undefined {
  const declared = Number(c.req.header('Content-Length'));
  if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD_BYTES) {
    // Nothing was read: close instead of receiving a body known to be too large.
    return c.json({ error: new UploadTooLargeError(maxBytes).message }, 413, { Connection: 'close' });
  }
  return undefined;
}

/**
 * The 413 answer once streaming hit the limit. The rest of the body is read and dropped (Node
 * drains it; its request timeout bounds a client that never stops): closing now would make the
 * kernel reset the connection, and a reset discards the 413 before the client reads it.
 */
export function oversized(c: Context, error: UploadTooLargeError): Response {
  return c.json({ error: error.message }, 413);
}
