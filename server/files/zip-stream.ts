import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';

export interface ZipEntry {
  /** Path inside the archive. */
  name: string;
  bytes: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;
  /** When it was last changed (the archive's timestamp for it). */
  modified?: Date;
}

/** Formats that are compressed already: stored as they are (deflating them only costs CPU). */
const COMPRESSED = /\.(png|jpe?g|gif|webp|avif|zip|gz|tgz|bz2|xz|zst|7z|parquet|feather|xlsx|docx|pptx|pdf|mp3|mp4|mov|npz|pkl\.gz)$/i;

/**
 * A zip archive of `entries`, produced while it is read: one entry's bytes at a time pass through
 * fflate, so memory stays at about one chunk whatever the archive's size. An entry whose bytes
 * throw ends the stream with that error.
 */
export function zipStream(entries: AsyncIterable<ZipEntry>): ReadableStream<Uint8Array> {
  const chunks = zipChunks(entries);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

/** The chunks of a web stream or an async iterable, alike. */
async function* chunksOf(bytes: ZipEntry['bytes']): AsyncGenerator<Uint8Array> {
  if (!('getReader' in bytes)) {
    yield* bytes;
    return;
  }
  const reader = bytes.getReader();
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) yield next.value;
  } finally {
    reader.releaseLock();
  }
}

async function* zipChunks(entries: AsyncIterable<ZipEntry>): AsyncGenerator<Uint8Array> {
  const ready: Uint8Array[] = [];
  let failure: Error | undefined;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else ready.push(chunk);
  });
  const drain = function* () {
    if (failure) throw failure;
    while (ready.length > 0) yield ready.shift()!;
  };
  for await (const entry of entries) {
    const file = COMPRESSED.test(entry.name) ? new ZipPassThrough(entry.name) : new ZipDeflate(entry.name, { level: 6 });
    if (entry.modified) file.mtime = entry.modified;
    zip.add(file);
    for await (const chunk of chunksOf(entry.bytes)) {
      file.push(chunk);
      yield* drain();
    }
    file.push(new Uint8Array(0), true);
    yield* drain();
  }
  zip.end();
  yield* drain();
}
