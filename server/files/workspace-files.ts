/** A plain file in a conversation's workspace. */
export interface WorkspaceFile {
  name: string;
  size: number;
  modified: string;
}

/** A file's bytes, ready to send. */
export interface FileDownload {
  file: WorkspaceFile;
  body: ReadableStream<Uint8Array>;
}

/**
 * A conversation's workspace folder (the kernel's working directory), wherever the kernel
 * runs. Names are safe base names (`safeFileName`): one folder, no paths, no hidden files.
 * Implementations move bytes through Jupyter (its contents API; later, for gateways without
 * one, the kernel itself) and never through Talkbook's own disk.
 */
export interface WorkspaceFiles {
  /** The plain files in the workspace (not folders, not hidden, not uploads in flight). */
  list(conversationId: string): Promise<WorkspaceFile[]>;
  /** One file's bytes. `NotFoundError` when it is missing, not a plain file, or a link. */
  read(conversationId: string, name: string): Promise<FileDownload>;
  /**
   * Store `bytes` as `name`, or as `name (1).ext`, `name (2).ext`, … when taken: an upload
   * never replaces a file. Nothing appears under the final name until every byte is stored;
   * if `bytes` throws (too large, client gone) the partial file is deleted and the error
   * rethrown. Resolves with the final name and size.
   */
  write(conversationId: string, name: string, bytes: AsyncIterable<Uint8Array>): Promise<WorkspaceFile>;
  /** `NotFoundError` when there is no such file. */
  delete(conversationId: string, name: string): Promise<void>;
  /** Remove the whole workspace (the conversation was deleted). Missing is fine. */
  deleteWorkspace(conversationId: string): Promise<void>;
}
