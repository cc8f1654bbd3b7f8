import { setTimeout as delay } from 'node:timers/promises';
import { NotFoundError, PublicError } from '../errors.ts';
import { kernelFileRequest, type KernelFile } from '../kernel/kernel-files.ts';
import type { KernelSession } from '../kernel/kernel-session.ts';
import type { Logger } from '../log.ts';
import { fixedChunks } from './byte-chunks.ts';
import { isSafeFileName, isWorkspaceName, suffixedName } from './safe-name.ts';
import type { FileDownload, WorkspaceFile, WorkspaceFiles } from './workspace-files.ts';

export interface KernelWorkspaceFilesOptions {
  /** The conversation's kernel, started if it has none (its workspace lives where it runs). */
  kernelFor(conversationId: string): Promise<KernelSession>;
  log: Logger;
  /**
   * Bytes per request, both ways (default 4 MiB: binary comm buffers, no base64; Jupyter's
   * websocket takes messages up to 10 MiB by default). 1 MiB requests moved 12 MB/s up and
   * 18 MB/s down through a gateway here, 4 MiB ones 23–30 and 60–69 MB/s.
   */
  chunkBytes?: number;
  /** How many `name (n).ext` to try before giving up (default 1000). */
  maxSuffix?: number;
  /** How long one request may wait for the kernel, e.g. behind a running cell (default 30 s). */
  timeoutMs?: number;
}

/** How long a listing may wait for the kernel before the last one is answered instead. */
const STALE_LISTING_AFTER_MS = 1000;

/** Names offered to the kernel per `claim` request. */
const CANDIDATES_PER_CLAIM = 50;

/**
 * `WorkspaceFiles` through the conversation's own kernel, for Jupyter servers without a
 * contents API (Kernel Gateway, Enterprise Gateway, where the kernel may run in a pod whose disk
 * Talkbook never sees). Bytes travel as binary comm buffers in 4 MiB requests, so uploads and
 * downloads stream in both directions; the kernel answers between cells, never during one.
 */
export class KernelWorkspaceFiles implements WorkspaceFiles {
  private readonly options: KernelWorkspaceFilesOptions;
  /** The last listing of each conversation, answered while its kernel is busy running a cell. */
  private readonly lastListing = new Map<string, WorkspaceFile[]>();
  /** The listing request each conversation's kernel has not answered yet. */
  private readonly listing = new Map<string, Promise<WorkspaceFile[]>>();

  constructor(options: KernelWorkspaceFilesOptions) {
    this.options = options;
  }

  /**
   * The workspace's files. The kernel answers between cells only, so while a cell runs the last
   * listing is answered at once (the files panel asks again when the cell ends). Otherwise the
   * kernel is asked, and waited for a moment: short kernel work right after a cell (its
   * checkpoint, its name analysis) must not hide the files the cell wrote. A request that takes
   * longer is answered with the last listing, and refreshes that when the kernel answers.
   */
  async list(conversationId: string): Promise<WorkspaceFile[]> {
    const session = await this.options.kernelFor(conversationId);
    const known = this.lastListing.get(conversationId);
    if (known && session.runningCell) return known;
    const fresh = this.freshListing(conversationId, session);
    if (!known) return fresh;
    return Promise.race([fresh, delay(STALE_LISTING_AFTER_MS).then(() => known)]);
  }

  /** One listing request in flight per conversation; a write or delete starts the next one afresh. */
  private freshListing(conversationId: string, session: KernelSession): Promise<WorkspaceFile[]> {
    const pending = this.listing.get(conversationId);
    if (pending) return pending;
    const request = this.request(session, 'list')
      .then(({ reply }) => {
        const files = reply.files
          .filter((file) => isWorkspaceName(file.name))
          .map(toWorkspaceFile)
          .sort((a, b) => a.name.localeCompare(b.name));
        this.lastListing.set(conversationId, files);
        return files;
      })
      .finally(() => {
        if (this.listing.get(conversationId) === request) this.listing.delete(conversationId);
      });
    this.listing.set(conversationId, request);
    return request;
  }

  async read(conversationId: string, name: string): Promise<FileDownload> {
    if (!isWorkspaceName(name)) throw notFound(name);
    const session = await this.options.kernelFor(conversationId);
    const { reply } = await this.request(session, 'stat', { name });
    const file = reply.file;
    const chunk = this.chunkBytes;
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        if (offset >= file.size) return controller.close();
        const length = Math.min(chunk, file.size - offset);
        const { reply: read, buffers } = await this.request(session, 'read', { name, offset, length, version: file.version });
        const bytes = buffers[0];
        if (!bytes || read.size !== bytes.byteLength || bytes.byteLength !== length) {
          throw new PublicError(`\`${name}\` ended early while it was being read from the kernel.`, 502);
        }
        offset += length;
        controller.enqueue(bytes);
      },
    }, { highWaterMark: 0 });
    return { file: toWorkspaceFile(file), body };
  }

  async write(conversationId: string, name: string, bytes: AsyncIterable<Uint8Array>): Promise<WorkspaceFile> {
    if (!isSafeFileName(name)) throw new PublicError(`"${name}" is not a safe file name.`, 400);
    const session = await this.options.kernelFor(conversationId);
    const { reply: begun } = await this.request(session, 'begin');
    const temp = begun.temp;
    try {
      let offset = 0;
      for await (const piece of fixedChunks(bytes, this.chunkBytes)) {
        const { reply } = await this.request(session, 'append', { temp, offset }, [piece]);
        offset += piece.length;
        if (reply.size !== offset) throw new PublicError(`The kernel stored ${reply.size} of ${offset} bytes of \`${name}\`.`, 502);
      }
      const written = toWorkspaceFile(await this.claim(session, temp, name));
      this.listing.delete(conversationId);
      return written;
    } catch (error) {
      // Queued behind anything still waiting in the kernel, so it runs last and finds the file.
      this.request(session, 'abort', { temp }, [], 120_000).catch((cleanup: unknown) =>
        this.options.log.warn(`could not delete the partial upload ${temp} in ${conversationId}`, cleanup),
      );
      throw error;
    }
  }

  async delete(conversationId: string, name: string): Promise<void> {
    if (!isWorkspaceName(name)) throw notFound(name);
    await this.request(await this.options.kernelFor(conversationId), 'delete', { name });
    this.listing.delete(conversationId);
  }

  async deleteWorkspace(conversationId: string): Promise<void> {
    this.lastListing.delete(conversationId);
    await this.request(await this.options.kernelFor(conversationId), 'remove_workspace');
  }

  /** Give the upload `name`, or the first free `name (n).ext`: the kernel never replaces a file. */
  private async claim(session: KernelSession, temp: string, name: string): Promise<KernelFile> {
    const maxSuffix = this.options.maxSuffix ?? 1000;
    for (let first = 0; first <= maxSuffix; first += CANDIDATES_PER_CLAIM) {
      const candidates: string[] = [];
      for (let n = first; n <= Math.min(maxSuffix, first + CANDIDATES_PER_CLAIM - 1); n++) candidates.push(n === 0 ? name : suffixedName(name, n));
      try {
        return (await this.request(session, 'claim', { temp, candidates })).reply.file;
      } catch (error) {
        if (!(error instanceof PublicError && error.status === 409)) throw error;
      }
    }
    throw new PublicError(`There are already ${maxSuffix} files named like "${name}" in this workspace; delete some first.`, 409);
  }

  private request<K extends Parameters<typeof kernelFileRequest>[1]>(
    session: KernelSession,
    op: K,
    args: Record<string, unknown> = {},
    buffers: Uint8Array[] = [],
    timeoutMs = this.options.timeoutMs,
  ) {
    return kernelFileRequest(session, op, args, { buffers, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  }

  private get chunkBytes(): number {
    return this.options.chunkBytes ?? 4 * 1024 * 1024;
  }
}

function notFound(name: string): NotFoundError {
  return new NotFoundError(`File "${name}"`);
}

function toWorkspaceFile(file: KernelFile): WorkspaceFile {
  return { name: file.name, size: file.size, modified: new Date(file.modified).toISOString() };
}
