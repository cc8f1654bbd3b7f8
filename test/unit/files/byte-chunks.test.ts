import { describe, expect, it } from 'vitest';
import { fixedChunks, limitBytes } from '../../../server/files/byte-chunks.ts';
import { UploadTooLargeError } from '../../../server/files/errors.ts';

async function* pieces(sizes: number[]): AsyncGenerator<Uint8Array> {
  let next = 0;
  for (const size of sizes) {
    const piece = new Uint8Array(size);
    for (let i = 0; i < size; i++) piece[i] = next++ % 251;
    yield piece;
  }
}

async function all<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

describe('fixedChunks', () => {
  it('regroups any pieces into chunks of exactly the size, the last shorter', async () => {
    const chunks = await all(fixedChunks(pieces([3, 10, 1, 7, 0, 4]), 8));
    expect(chunks.map((chunk) => chunk.length)).toEqual([8, 8, 8, 1]);
    const bytes = Buffer.concat(chunks);
    expect([...bytes]).toEqual(Array.from({ length: 25 }, (_, i) => i % 251));
  });

  it('yields nothing for an empty stream and one chunk for an exact fit', async () => {
    expect(await all(fixedChunks(pieces([]), 4))).toEqual([]);
    expect((await all(fixedChunks(pieces([2, 2]), 4))).map((c) => c.length)).toEqual([4]);
  });

  it('copies what it holds, so a reused source buffer cannot corrupt it', async () => {
    const shared = new Uint8Array(2);
    async function* reused() {
      shared.set([1, 2]);
      yield shared;
      shared.set([3, 4]);
      yield shared;
    }
    const [chunk] = await all(fixedChunks(reused(), 4));
    expect([...chunk!]).toEqual([1, 2, 3, 4]);
  });
});

describe('limitBytes', () => {
  it('passes bytes up to the limit and throws past it', async () => {
    expect((await all(limitBytes(pieces([5, 5]), 10))).length).toBe(2);
    await expect(all(limitBytes(pieces([5, 6]), 10))).rejects.toBeInstanceOf(UploadTooLargeError);
  });
});
