/** Checkpoint ids sort by age: `<seq>-<random>`, compared by their seq. */
export function bySeq<T extends { id: string }>(rows: T[]): T[] {
  const seq = (id: string) => Number(id.split('-')[0]);
  return rows.sort((a, b) => seq(a.id) - seq(b.id) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The bytes of `chunks` again, in pieces of exactly `size` (the last one shorter), so a blob's rows do not depend on how it arrived. */
export async function* rechunk(chunks: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of chunks) {
    let rest = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (pendingBytes + rest.byteLength >= size) {
      const take = size - pendingBytes;
      yield Buffer.concat([...pending, rest.subarray(0, take)]);
      rest = rest.subarray(take);
      pending = [];
      pendingBytes = 0;
    }
    if (rest.byteLength) {
      // Copied: the caller may reuse its buffer for the next chunk.
      pending.push(Buffer.from(rest));
      pendingBytes += rest.byteLength;
    }
  }
  if (pendingBytes) yield Buffer.concat(pending);
}
