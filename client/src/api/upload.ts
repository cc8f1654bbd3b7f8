import type { z } from 'zod';
import { errorResponse } from '../protocol.ts';
import { csrfToken } from './csrf.ts';
import { HttpError, notifyUnauthorized, UnauthorizedError } from './http.ts';

export interface UploadOptions<T> {
  /** Validates the JSON answer. */
  schema: z.ZodType<T>;
  /** Fraction sent so far, 0…1. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/**
 * POSTs one file as multipart/form-data (field `file`) to a same-origin API path. Uses XHR,
 * which reports upload progress (fetch does not).
 */
export function uploadFile<T>(path: string, file: File, options: UploadOptions<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    const csrf = csrfToken();
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) options.onProgress?.(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new Error('The upload failed: the connection to the server was lost.'));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    xhr.onload = () => {
      if (xhr.status === 401) {
        notifyUnauthorized();
        return reject(new UnauthorizedError());
      }
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status < 200 || xhr.status >= 300) {
        const parsed = errorResponse.safeParse(body);
        return reject(new HttpError(xhr.status, parsed.success ? parsed.data.error : `Upload failed (${xhr.status}).`));
      }
      const parsed = options.schema.safeParse(body);
      if (parsed.success) resolve(parsed.data);
      else reject(new HttpError(xhr.status, `Unexpected answer from ${path}: ${parsed.error.message}`));
    };
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}
