import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitBytes } from '../../server/files/byte-chunks.ts';
import { ContentsWorkspaceFiles } from '../../server/files/contents-workspace-files.ts';
import { DownloadTooLargeError, UploadTooLargeError } from '../../server/files/errors.ts';
import { KernelWorkspaceFiles } from '../../server/files/kernel-workspace-files.ts';
import { Kernels } from '../../server/kernel/kernels.ts';
import { startPlainJupyter, type PlainJupyter } from '../helpers/plain-jupyter.ts';
import { jupyterSettings } from '../../server/jupyter/jupyter-settings.ts';
import { createLogger } from '../../server/log.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import { streamText as text } from '../helpers/outputs.ts';

/**
 * Talkbook against a separate, plain `jupyter-server` (JUPYTER_URL) that shares no folder with
 * it: every byte must travel through the Jupyter contents API.
 */
let remote: PlainJupyter;
let jupyterUrl: string;
let TOKEN: string;
let remoteRoot: string;
let tb: TestTalkbook;

beforeAll(async () => {
  remote = await startPlainJupyter();
  ({ url: jupyterUrl, token: TOKEN, rootDir: remoteRoot } = remote);
  tb = await startTestTalkbook({ JUPYTER_URL: jupyterUrl, JUPYTER_TOKEN: TOKEN });
});

afterAll(async () => {
  await tb?.close();
  await remote?.close();
});


async function walk(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    out.push(path, ...(entry.isDirectory() ? await walk(path) : []));
  }
  return out;
}

describe('with a remote Jupyter server', () => {
  it('uploads into the remote workspace, the kernel reads it, and the export works', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const form = new FormData();
    form.append('file', new Blob(['city,pop\nBern,134\nBasel,173\n']), 'cities.csv');
    const response = await tb.api(`/api/conversations/${id}/files`, { method: 'POST', body: form });
    expect(response.status).toBe(201);

    await socket.waitFor((f) => f.type === 'cell' && f.cell.kind === 'notice' && f.cell.text.includes('2 rows × 2 columns'));
    const { cell } = await socket.run("import pandas as pd, os\nprint(pd.read_csv('cities.csv')['pop'].sum(), os.getcwd())");
    expect(text(cell.outputs)).toBe(`307 ${join(remoteRoot, id)}\n`);

    // The file is in the remote server's root, and nowhere in Talkbook's data folder.
    expect(await readFile(join(remoteRoot, id, 'cities.csv'), 'utf8')).toBe('city,pop\nBern,134\nBasel,173\n');
    expect((await walk(tb.dataDir)).filter((path) => path.includes('cities') || path.includes('workspaces'))).toEqual([]);

    await socket.run("open('out.bin', 'wb').write(bytes(range(256)))");
    const listed = (await (await tb.api(`/api/conversations/${id}/files`)).json()) as Array<{ name: string }>;
    expect(listed.map((f) => f.name)).toEqual(['cities.csv', 'out.bin']);
    const download = Buffer.from(await (await tb.api(`/api/conversations/${id}/files/out.bin`)).arrayBuffer());
    expect([...download]).toEqual(Array.from({ length: 256 }, (_, i) => i));

    const exported = await tb.api(`/api/conversations/${id}/notebook`);
    expect(exported.status).toBe(200);
    const nb = (await exported.json()) as { nbformat_minor: number; cells: Array<{ cell_type: string; source: string }> };
    expect(nb.nbformat_minor).toBe(5);
    expect(nb.cells.filter((c) => c.cell_type === 'code').map((c) => c.source)).toEqual([
      "import pandas as pd, os\nprint(pd.read_csv('cities.csv')['pop'].sum(), os.getcwd())",
      "open('out.bin', 'wb').write(bytes(range(256)))",
    ]);
  });

  it('streams a file too big for the contents API through the conversation\'s kernel', async () => {
    const settings = jupyterSettings(jupyterUrl, TOKEN);
    const log = createLogger('silent');
    const kernels = new Kernels({ settings, log, defaultKernel: 'python3' });
    try {
      const session = await kernels.session('large', 'python3');
      await session.execute("import os\nopen('big.bin', 'wb').write(bytes(range(256)) * 4096)");
      const expected = Buffer.from(Array.from({ length: 256 * 4096 }, (_, i) => i % 256));
      const small = { settings, log, maxReadBytes: 100_000 };
      await expect(new ContentsWorkspaceFiles(small).read('large', 'big.bin')).rejects.toBeInstanceOf(DownloadTooLargeError);
      const files = new ContentsWorkspaceFiles({ ...small, largeFiles: new KernelWorkspaceFiles({ log, kernelFor: async () => session }) });
      const read = await files.read('large', 'big.bin');
      expect(read.file.size).toBe(expected.length);
      expect(Buffer.from(await new Response(read.body).arrayBuffer()).equals(expected)).toBe(true);
      // Small files still come through the contents API.
      await session.execute("open('small.txt', 'w').write('hi')");
      expect(await new Response((await files.read('large', 'small.txt')).body).text()).toBe('hi');
    } finally {
      await kernels.shutdownAll();
    }
  });

  it('stores a many-chunk upload byte for byte and cleans up after an aborted one', async () => {
    const files = new ContentsWorkspaceFiles({ settings: jupyterSettings(jupyterUrl, TOKEN), log: createLogger('silent'), chunkBytes: 64 * 1024 });
    const bytes = randomBytes(300_000);
    async function* pieces(limit = Infinity) {
      for (let at = 0; at < bytes.length; at += 10_000) {
        if (at >= limit) throw new Error('client went away');
        yield bytes.subarray(at, at + 10_000);
      }
    }
    const stored = await files.write('chunked', 'many.bin', pieces());
    expect(stored).toMatchObject({ name: 'many.bin', size: bytes.length });
    expect((await readFile(join(remoteRoot, 'chunked', 'many.bin'))).equals(bytes)).toBe(true);
    const read = await files.read('chunked', 'many.bin');
    expect(Buffer.from(await new Response(read.body).arrayBuffer()).equals(bytes)).toBe(true);

    await expect(files.write('chunked', 'broken.bin', pieces(200_000))).rejects.toThrow('client went away');
    await expect(files.write('chunked', 'big.bin', limitBytes(pieces(), 100_000))).rejects.toBeInstanceOf(UploadTooLargeError);
    // Nothing left behind but Jupyter's own hidden checkpoint folder.
    expect((await readdir(join(remoteRoot, 'chunked'))).filter((name) => !name.startsWith('.'))).toEqual(['many.bin']);
  });
});
