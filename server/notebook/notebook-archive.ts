import type { WorkspaceFiles } from '../files/index.ts';
import type { ZipEntry } from '../files/zip-stream.ts';
import { PublicError } from '../errors.ts';

/**
 * What goes into "the notebook and its files": the exported notebook first, then every file of
 * the conversation's workspace next to it, as Jupyter needs them to run it again. A file that
 * cannot be read (gone meanwhile, too large for the server to fetch) is left out and listed in
 * `MISSING.txt` at the end instead of failing the whole download.
 */
export async function* archiveEntries(
  notebook: { name: string; bytes: ReadableStream<Uint8Array> },
  conversationId: string,
  files: WorkspaceFiles,
): AsyncGenerator<ZipEntry> {
  yield { name: notebook.name, bytes: notebook.bytes, modified: new Date() };
  const missing: string[] = [];
  for (const file of await files.list(conversationId)) {
    if (file.name === notebook.name) {
      missing.push(`${file.name}: has the notebook's own name`);
      continue;
    }
    let body: ReadableStream<Uint8Array>;
    try {
      ({ body } = await files.read(conversationId, file.name));
    } catch (error) {
      if (!(error instanceof PublicError)) throw error;
      missing.push(`${file.name}: ${error.message}`);
      continue;
    }
    yield { name: file.name, bytes: body, modified: new Date(file.modified) };
  }
  if (missing.length > 0) {
    const text = `Files of the workspace left out of this archive:\n\n${missing.map((line) => `- ${line}`).join('\n')}\n`;
    yield { name: 'MISSING.txt', bytes: once(new TextEncoder().encode(text)) };
  }
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
