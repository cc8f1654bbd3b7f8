import { PublicError } from '../errors.ts';

/** An upload (or import) over `TALKBOOK_MAX_UPLOAD_MB`. */
export class UploadTooLargeError extends PublicError {
  override name = 'UploadTooLargeError';
  constructor(maxBytes: number) {
    super(`The file is larger than the upload limit of ${formatMegabytes(maxBytes)} (TALKBOOK_MAX_UPLOAD_MB).`, 413);
  }
}

/** A workspace file too big to send through the Jupyter contents API in one piece. */
export class DownloadTooLargeError extends PublicError {
  override name = 'DownloadTooLargeError';
  constructor(name: string, size: number, maxBytes: number) {
    super(
      `\`${name}\` is ${formatMegabytes(size)}; the Jupyter contents API sends a file in one piece, so downloads are ` +
        `limited to ${formatMegabytes(maxBytes)}. Compress or split it in the kernel first.`,
      422,
    );
  }
}

function formatMegabytes(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}
