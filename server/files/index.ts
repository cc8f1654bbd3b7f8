export type { FileDownload, WorkspaceFile, WorkspaceFiles } from './workspace-files.ts';
export { ContentsWorkspaceFiles, type ContentsWorkspaceFilesOptions } from './contents-workspace-files.ts';
export { safeFileName, isSafeFileName, isWorkspaceName, suffixedName } from './safe-name.ts';
export { readFilePart, collectBytes, type FilePart } from './multipart-file.ts';
export { contentTypeOf } from './content-type.ts';
export { attachmentDisposition } from './content-disposition.ts';
export { describeUpload, uploadNoticeText, formatSize } from './upload-summary.ts';
export { UploadTooLargeError, DownloadTooLargeError } from './errors.ts';
export { listFilesOf } from './list-files.ts';
