import type { TestTalkbook } from './talkbook.ts';

/**
 * POST a multipart upload of `bytes` bytes (zeros, or random with `random`) as a stream with no
 * Content-Length, so the server can only learn the size while reading. Resolves with the
 * response, or with the error if the server closed the connection instead.
 */
export function streamedUpload(tb: TestTalkbook, conversationId: string, name: string, bytes: number, random = false): Promise<Response | unknown> {
  const boundary = 'talkbookTestBoundary';
  const encoder = new TextEncoder();
  const piece = 256 * 1024;
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
    },
    pull(controller) {
      if (sent >= bytes) {
        controller.enqueue(encoder.encode(`\r\n--${boundary}--\r\n`));
        controller.close();
        return;
      }
      sent += piece;
      controller.enqueue(random ? randomPiece(piece) : new Uint8Array(piece));
    },
  });
  return tb
    .api(`/api/conversations/${conversationId}/files`, {
      method: 'POST',
      body,
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      duplex: 'half',
    } as RequestInit)
    .catch((error: unknown) => error);
}

/** Random bytes (getRandomValues fills at most 64 KiB at a time). */
function randomPiece(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let at = 0; at < size; at += 65536) crypto.getRandomValues(out.subarray(at, Math.min(size, at + 65536)));
  return out;
}
