import { describe, expect, it } from 'vitest';
import { UploadTooLargeError } from '../../../server/files/errors.ts';
import { collectBytes, readFilePart } from '../../../server/files/multipart-file.ts';
import { BadRequestError } from '../../../server/errors.ts';

function formRequest(form: FormData): Request {
  return new Request('http://x/upload', { method: 'POST', body: form });
}

describe('readFilePart', () => {
  it('streams the named file field and skips other fields', async () => {
    const form = new FormData();
    form.append('note', 'hello');
    form.append('other', new Blob(['skip me']), 'other.txt');
    form.append('file', new Blob([new Uint8Array([0, 255, 10, 13, 1])]), 'données.bin');
    const part = await readFilePart(formRequest(form), { maxBytes: 100 });
    expect(part.filename).toBe('données.bin');
    expect([...(await collectBytes(part.bytes))]).toEqual([0, 255, 10, 13, 1]);
  });

  it('throws UploadTooLargeError while streaming past the limit', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(5000)]), 'big.bin');
    const part = await readFilePart(formRequest(form), { maxBytes: 4096 });
    await expect(collectBytes(part.bytes)).rejects.toBeInstanceOf(UploadTooLargeError);
    part.discard();
  });

  it('refuses requests that are not multipart or have no file', async () => {
    expect(() => readFilePart(new Request('http://x', { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } }), { maxBytes: 10 })).toThrow(
      BadRequestError,
    );
    const form = new FormData();
    form.append('file', 'just text');
    await expect(readFilePart(formRequest(form), { maxBytes: 10 })).rejects.toThrow(/has no file/);
  });

  it('ends the file stream with an error when the body breaks off', async () => {
    const boundary = 'XyZ';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nsome bytes`;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(head));
        setTimeout(() => controller.error(new Error('client went away')), 20);
      },
    });
    const request = new Request('http://x', {
      method: 'POST',
      body,
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      duplex: 'half',
    } as RequestInit);
    const part = await readFilePart(request, { maxBytes: 1000 });
    await expect(collectBytes(part.bytes)).rejects.toThrow();
  });
});
