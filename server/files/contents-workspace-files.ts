import { randomBytes } from 'node:crypto';
import type { ServerConnection } from '@jupyterlab/services';
import { NotFoundError, PublicError } from '../errors.ts';
import { ensureWorkspace } from '../kernel/workspace.ts';
import type { Logger } from '../log.ts';
import { fixedChunks } from './byte-chunks.ts';
import { ContentsApi, isStatus, type ContentsModel } from './contents-api.ts';
import { DownloadTooLargeError } from './errors.ts';
import { isSafeFileName, isWorkspaceName, suffixedName } from './safe-name.ts';
import type { FileDownload, WorkspaceFile, WorkspaceFiles } from './workspace-files.ts';

export interface ContentsWorkspaceFilesOptions {
  settings: ServerConnection.ISettings;
  log: Logger;
  /** Bytes per chunked contents PUT (default 4 MiB; sent base64, so about 5.3 MB of JSON). */
  chunkBytes?: number;
  /**
   * Largest download through the contents API (default 256 MiB): it returns a whole file base64
   * in one JSON answer, held in memory once. Bigger files stream through `largeFiles`.
   */
  maxReadBytes?: number;
  /** Reads files over `maxReadBytes` (the conversation's kernel, which streams them). */
  largeFiles?: Pick<WorkspaceFiles, 'read'>;
  /** How many `name (n).ext` to try before giving up (default 1000). */
  maxSuffix?: number;
}

/**
 * `WorkspaceFiles` over the Jupyter contents API: the workspace is the folder named after the
 * conversation id under the server's root. Uploads go in fixed-size chunked PUTs (Jupyter's
 * LargeFileManager, the default since jupyter_server 1.0) to a temporary name, then a rename
 * that never overwrites gives them their final name.
 *
 * Links: Jupyter follows symlinks, and its models do not say a path is one. Talkbook never
 * writes to an existing name (uploads rename onto free names only), only lists and reads
 * `file`/`notebook` entries, and refuses a read whose bytes differ in length from the entry's
 * `lstat` size, which is what a symlink's model reports.
 */
export class ContentsWorkspaceFiles implements WorkspaceFiles {
  private readonly api: ContentsApi;
  private readonly options: ContentsWorkspaceFilesOptions;

  constructor(options: ContentsWorkspaceFilesOptions) {
    this.options = options;
    this.api = new ContentsApi(options.settings);
  }

  async list(conversationId: string): Promise<WorkspaceFile[]> {
    let entries: ContentsModel[];
    try {
      entries = await this.api.list(conversationId);
    } catch (error) {
      if (isStatus(error, 404)) return []; // no kernel ran and nothing was uploaded yet
      throw error;
    }
    return entries
      .filter((entry) => (entry.type === 'file' || entry.type === 'notebook') && isWorkspaceName(entry.name))
      .map(toWorkspaceFile)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async read(conversationId: string, name: string): Promise<FileDownload> {
    const path = this.filePath(conversationId, name);
    const entry = await this.entry(path, name);
    const maxBytes = this.options.maxReadBytes ?? 256 * 1024 * 1024;
    if ((entry.size ?? 0) > maxBytes) return this.readLarge(conversationId, name, entry.size ?? 0, maxBytes);
    let model: ContentsModel;
    try {
      model = await this.api.get(path, { content: true, type: 'file', format: 'base64' });
    } catch (error) {
      if (isStatus(error, 404) || isStatus(error, 400)) throw new NotFoundError(`File "${name}"`);
      throw error;
    }
    if (model.format !== 'base64' || typeof model.content !== 'string') {
      throw new PublicError(`The Jupyter server did not return \`${name}\` as base64.`, 502);
    }
    const bytes = Buffer.from(model.content, 'base64');
    if (model.size !== bytes.length) {
      // A symlink's model carries the link's own size: its target is not served.
      this.options.log.warn(`refused to serve ${path}: its size (${model.size}) and content (${bytes.length} bytes) differ, so it is a link or changed while read`);
      throw new NotFoundError(`File "${name}"`);
    }
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
        controller.close();
      },
    });
    return { file: toWorkspaceFile(model), body };
  }

  /** A file too big for the contents API, streamed by the kernel instead (Python kernels). */
  private async readLarge(conversationId: string, name: string, size: number, maxBytes: number): Promise<FileDownload> {
    const tooLarge = new DownloadTooLargeError(name, size, maxBytes);
    if (!this.options.largeFiles) throw tooLarge;
    try {
      return await this.options.largeFiles.read(conversationId, name);
    } catch (error) {
      // A kernel that moves no files (not Python): say what the limit is, not why the kernel failed.
      if (error instanceof PublicError && error.status === 503) throw tooLarge;
      throw error;
    }
  }

  async write(conversationId: string, name: string, bytes: AsyncIterable<Uint8Array>): Promise<WorkspaceFile> {
    if (!isSafeFileName(name)) throw new PublicError(`"${name}" is not a safe file name.`, 400);
    await ensureWorkspace(this.options.settings, conversationId);
    const temp = `${conversationId}/~talkbook-upload-${randomBytes(8).toString('hex')}.part`;
    let started = false;
    try {
      let chunk = 0;
      let total = 0;
      let pending: Buffer | undefined;
      for await (const piece of fixedChunks(bytes, this.options.chunkBytes ?? 4 * 1024 * 1024)) {
        if (pending) {
          chunk += 1;
          started = true;
          await this.api.save(temp, { type: 'file', format: 'base64', content: pending.toString('base64'), chunk });
        }
        pending = piece;
        total += piece.length;
      }
      const last = (pending ?? Buffer.alloc(0)).toString('base64');
      started = true;
      const saved = await this.api.save(temp, { type: 'file', format: 'base64', content: last, ...(chunk ? { chunk: -1 } : {}) });
      if (saved.size !== total) {
        throw new PublicError(
          `The Jupyter server stored ${saved.size ?? 'an unknown number of'} of ${total} bytes: it needs a contents manager ` +
            'that accepts chunked uploads (jupyter_server\'s default LargeFileManager).',
          502,
        );
      }
      return toWorkspaceFile(await this.claimName(temp, conversationId, name));
    } catch (error) {
      if (started) await this.api.delete(temp).catch((cleanup: unknown) => this.options.log.warn(`could not delete the partial upload ${temp}`, cleanup));
      throw error;
    }
  }

  async deleteWorkspace(conversationId: string): Promise<void> {
    try {
      await this.api.delete(conversationId);
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
    }
  }

  async delete(conversationId: string, name: string): Promise<void> {
    const path = this.filePath(conversationId, name);
    await this.entry(path, name);
    try {
      await this.api.delete(path);
    } catch (error) {
      if (isStatus(error, 404)) throw new NotFoundError(`File "${name}"`);
      throw error;
    }
  }

  /** Rename the finished upload onto `name` or the first free `name (n).ext`. */
  private async claimName(temp: string, conversationId: string, name: string): Promise<ContentsModel> {
    const maxSuffix = this.options.maxSuffix ?? 1000;
    for (let n = 0; n <= maxSuffix; n++) {
      const candidate = n === 0 ? name : suffixedName(name, n);
      try {
        return await this.api.rename(temp, `${conversationId}/${candidate}`);
      } catch (error) {
        if (!isStatus(error, 409)) throw error;
      }
    }
    throw new PublicError(`There are already ${maxSuffix} files named like "${name}" in this workspace; delete some first.`, 409);
  }

  /** The workspace entry for `name`: a plain file, or `NotFoundError`. */
  private async entry(path: string, name: string): Promise<ContentsModel> {
    try {
      const entry = await this.api.get(path, { content: false });
      if (entry.type === 'file' || entry.type === 'notebook') return entry;
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
    }
    throw new NotFoundError(`File "${name}"`);
  }

  private filePath(conversationId: string, name: string): string {
    if (!isWorkspaceName(name)) throw new NotFoundError(`File "${name}"`);
    return `${conversationId}/${name}`;
  }
}

function toWorkspaceFile(model: ContentsModel): WorkspaceFile {
  return { name: model.name, size: model.size ?? 0, modified: new Date(model.last_modified).toISOString() };
}
