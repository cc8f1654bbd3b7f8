import { UploadTooLargeError } from './errors.ts';

/**
 * Regroup a byte stream into chunks of exactly `size` bytes (the last may be shorter; an
 * empty stream yields nothing). At most one chunk is held at a time.
 */
export async function* fixedChunks(source: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let held = 0;
  for await (const piece of source) {
    let rest = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    while (held + rest.length >= size) {
      const take = size - held;
      parts.push(rest.subarray(0, take));
      yield Buffer.concat(parts, size);
      parts = [];
      held = 0;
      rest = rest.subarray(take);
    }
    if (rest.length) {
      // Copy: the source may reuse its buffer once we ask for the next piece.
      parts.push(Buffer.from(rest));
      held += rest.length;
    }
  }
  if (held) yield Buffer.concat(parts, held);
}

/** Pass bytes through, throwing `UploadTooLargeError` as soon as more than `maxBytes` went by. */
export async function* limitBytes(source: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const piece of source) {
    total += piece.byteLength;
    if (total > maxBytes) throw new UploadTooLargeError(maxBytes);
    yield piece;
  }
}
