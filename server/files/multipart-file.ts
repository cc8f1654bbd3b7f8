import { pipeline, Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import busboy from 'busboy';
import { BadRequestError, errorMessage } from '../errors.ts';
import { limitBytes } from './byte-chunks.ts';
import { UploadTooLargeError } from './errors.ts';

export interface FilePart {
  /** The name the client gave, unsanitized (pass it through `safeFileName`). */
  filename: string;
  mimeType: string;
  /**
   * The part's bytes as they arrive (backpressure reaches the socket). Throws
   * `UploadTooLargeError` past `maxBytes`, or the error that broke the request.
   */
  bytes: AsyncIterable<Uint8Array>;
  /** Stop reading the request body (after an error, so the rest is not parsed). */
  discard(): void;
}

export interface FilePartOptions {
  /** The form field holding the file (default `file`). */
  field?: string;
  maxBytes: number;
}

/**
 * The file in a `multipart/form-data` request, streamed with busboy: resolves as soon as the
 * part's headers arrived. Other fields and files are skipped. 400 when the request is not
 * multipart or has no such field.
 */
export function readFilePart(request: Request, options: FilePartOptions): Promise<FilePart> {
  const field = options.field ?? 'file';
  const contentType = request.headers.get('content-type') ?? '';
  const howTo = `Send the file as multipart/form-data in a field named "${field}".`;
  if (!/^multipart\/form-data\b/i.test(contentType) || !request.body) throw new BadRequestError(howTo);
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      defParamCharset: 'utf8',
      limits: { files: 10, fileSize: options.maxBytes, fields: 20, fieldSize: 64 * 1024, parts: 40 },
    });
  } catch (error) {
    throw new BadRequestError(`The multipart request is malformed: ${errorMessage(error)}. ${howTo}`);
  }
  const source = Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>);
  return new Promise<FilePart>((resolve, reject) => {
    let found = false;
    let file: Readable | undefined;
    // A broken request must end the file's stream too, or its reader would wait forever.
    const fail = (error: unknown) => {
      if (file && !file.readableEnded) file.destroy(error instanceof Error ? error : new Error(String(error)));
    };
    parser.on('file', (name, stream, info) => {
      if (found || name !== field) {
        stream.resume();
        return;
      }
      found = true;
      file = stream;
      // Past the limit busboy silently drops the rest of the part: fail the reader right away
      // instead of leaving it waiting for bytes that never come.
      stream.once('limit', () => stream.destroy(new UploadTooLargeError(options.maxBytes)));
      resolve({
        filename: info.filename ?? '',
        mimeType: info.mimeType,
        bytes: limitBytes(stream, options.maxBytes),
        // Stop parsing but keep reading (into nothing) until the response, sent with
        // `Connection: close`, has gone out: destroying the socket now could reset the
        // connection before the client reads the 413.
        discard: () => {
          source.unpipe(parser);
          source.on('error', () => undefined);
          source.resume();
        },
      });
    });
    parser.on('close', () => {
      if (!found) reject(new BadRequestError(`The request has no file. ${howTo}`));
    });
    parser.on('error', (error: unknown) => {
      fail(error);
      if (!found) reject(new BadRequestError(`The multipart request is malformed: ${errorMessage(error)}. ${howTo}`));
    });
    pipeline(source, parser, (error) => {
      if (error) fail(error);
      if (error && !found) reject(new BadRequestError(`The upload broke off: ${errorMessage(error)}`));
    });
  });
}

/** All of a part's bytes in one buffer (for small things such as a notebook to import). */
export async function collectBytes(bytes: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const piece of bytes) parts.push(Buffer.from(piece));
  return Buffer.concat(parts);
}
