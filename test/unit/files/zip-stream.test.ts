import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../server/errors.ts';
import { DownloadTooLargeError } from '../../../server/files/errors.ts';
import type { FileDownload, WorkspaceFile, WorkspaceFiles } from '../../../server/files/workspace-files.ts';
import { zipStream, type ZipEntry } from '../../../server/files/zip-stream.ts';
import { archiveEntries } from '../../../server/notebook/notebook-archive.ts';

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield encode(part);
}

async function* list(...entries: ZipEntry[]): AsyncGenerator<ZipEntry> {
  yield* entries;
}

const webStream = (text: string) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encode(text));
      controller.close();
    },
  });

describe('zipStream', () => {
  it('writes every entry, from many chunks or a web stream, byte for byte', async () => {
    const big = 'row,value\n'.repeat(50_000);
    const zip = zipStream(list({ name: 'big.csv', bytes: chunks(big.slice(0, 1000), big.slice(1000)) }, { name: 'plot.png', bytes: webStream('not really a png') }));
    const bytes = new Uint8Array(await new Response(zip).arrayBuffer());
    expect(bytes.length).toBeLessThan(big.length / 10); // the CSV was deflated
    const entries = unzipSync(bytes);
    expect(decode(entries['big.csv'])).toBe(big);
    expect(decode(entries['plot.png'])).toBe('not really a png');
  });

  it('fails the stream when an entry cannot be read', async () => {
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield encode('start');
      throw new Error('the kernel went away');
    }
    await expect(new Response(zipStream(list({ name: 'a.txt', bytes: broken() }))).arrayBuffer()).rejects.toThrow();
  });
});

describe('archiveEntries', () => {
  it('puts the notebook first, every readable file after it, and says which were left out', async () => {
    const listed: WorkspaceFile[] = [
      { name: 'data.csv', size: 4, modified: '2026-01-01T00:00:00.000Z' },
      { name: 'huge.bin', size: 1e12, modified: '2026-01-01T00:00:00.000Z' },
      { name: 'gone.txt', size: 1, modified: '2026-01-01T00:00:00.000Z' },
      { name: 'report.ipynb', size: 2, modified: '2026-01-01T00:00:00.000Z' },
    ];
    const files: WorkspaceFiles = {
      list: async () => listed,
      read: async (_id, name): Promise<FileDownload> => {
        if (name === 'huge.bin') throw new DownloadTooLargeError(name, 1e12, 1e6);
        if (name === 'gone.txt') throw new NotFoundError(`File "${name}"`);
        return { file: listed.find((file) => file.name === name)!, body: webStream('a,b\n') };
      },
      write: async () => {
        throw new Error('not used');
      },
      delete: async () => undefined,
      deleteWorkspace: async () => undefined,
    };
    const zip = zipStream(archiveEntries({ name: 'report.ipynb', bytes: webStream('{"cells": []}') }, 'c1', files));
    const entries = unzipSync(new Uint8Array(await new Response(zip).arrayBuffer()));
    expect(Object.keys(entries)).toEqual(['report.ipynb', 'data.csv', 'MISSING.txt']);
    expect(decode(entries['report.ipynb'])).toBe('{"cells": []}');
    const missing = decode(entries['MISSING.txt']);
    expect(missing).toContain('huge.bin');
    expect(missing).toContain('gone.txt: File "gone.txt" not found');
    expect(missing).toContain("report.ipynb: has the notebook's own name");
  });
});
