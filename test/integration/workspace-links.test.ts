import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { embeddedJupyter, type EmbeddedJupyterAccess } from '../helpers/embedded-jupyter.ts';
import { streamText } from '../helpers/outputs.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import type { TestSocket } from '../helpers/test-socket.ts';

/**
 * A kernel owns its workspace, so it can plant symbolic links (and swap names between a file and
 * a link while the server works on them). The Jupyter server runs as root: no contents operation
 * may ever follow a link a kernel planted, to read, write, move or delete a host file.
 */
let tb: TestTalkbook;
let jupyter: EmbeddedJupyterAccess;
let victim: string;
const SECRET = 'host secret 5d1e';
const CHECKPOINT = 'a host file that looks like a checkpoint';

beforeAll(async () => {
  tb = await startTestTalkbook();
  jupyter = await embeddedJupyter(tb);
});
afterAll(async () => {
  await tb?.close();
});

beforeEach(async () => {
  if (victim) await rm(victim, { recursive: true, force: true });
  victim = await mkdtemp(join(tmpdir(), 'talkbook-victim-'));
  await writeFile(join(victim, 'secret.txt'), SECRET);
  await writeFile(join(victim, 'notes-checkpoint.txt'), CHECKPOINT);
  await mkdir(join(victim, 'keep'));
  await writeFile(join(victim, 'keep', 'inner.txt'), SECRET);
});
afterAll(async () => {
  if (victim) await rm(victim, { recursive: true, force: true });
});

/** The host folder is exactly as the test made it. */
async function victimUntouched() {
  expect((await readdir(victim)).sort()).toEqual(['keep', 'notes-checkpoint.txt', 'secret.txt']);
  expect(await readFile(join(victim, 'secret.txt'), 'utf8')).toBe(SECRET);
  expect(await readFile(join(victim, 'notes-checkpoint.txt'), 'utf8')).toBe(CHECKPOINT);
  expect(await readdir(join(victim, 'keep'))).toEqual(['inner.txt']);
}

async function conversation(): Promise<{ id: string; socket: TestSocket; run: (code: string) => Promise<string> }> {
  const { id } = await tb.createConversation();
  const socket = await tb.connect(id);
  return { id, socket, run: async (code) => streamText((await socket.run(code)).cell.outputs) };
}

const contents = (path: string) => `/api/contents/${path.split('/').map(encodeURIComponent).join('/')}`;
const put = (path: string, body: Record<string, unknown>) => jupyter.request(contents(path), { method: 'PUT', body: JSON.stringify(body) });
const text = (content: string) => ({ type: 'file', format: 'text', content });

describe('checkpoints', () => {
  it('deleting a file never deletes through a planted .ipynb_checkpoints link', async () => {
    const { id, run } = await conversation();
    const form = new FormData();
    form.append('file', new Blob(['my notes']), 'notes.txt');
    expect((await tb.api(`/api/conversations/${id}/files`, { method: 'POST', body: form })).status).toBe(201);
    // (Jupyter made that folder when the upload was renamed onto its name.)
    const planted = `import os, shutil\nshutil.rmtree('.ipynb_checkpoints', ignore_errors=True)\nos.symlink(${JSON.stringify(victim)}, '.ipynb_checkpoints')\nprint(os.path.islink('.ipynb_checkpoints'))`;
    expect(await run(planted)).toBe('True\n');
    expect((await tb.api(`/api/conversations/${id}/files/notes.txt`, { method: 'DELETE' })).status).toBe(204);
    await victimUntouched();
  });

  it('are off: a notebook saves without creating a checkpoint folder, and none can be made or restored', async () => {
    const { id, run } = await conversation();
    await run('pass'); // its kernel made the workspace folder
    const notebook = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] };
    expect((await put(`${id}/saved.ipynb`, { type: 'notebook', content: notebook })).status).toBe(201);
    expect(existsSync(join(tb.dataDir, 'workspaces', id, '.ipynb_checkpoints'))).toBe(false);
    const listed = await (await jupyter.request(`${contents(`${id}/saved.ipynb`)}/checkpoints`)).json();
    expect(listed).toEqual([]);
    expect((await jupyter.request(`${contents(`${id}/saved.ipynb`)}/checkpoints`, { method: 'POST' })).status).toBeGreaterThanOrEqual(400);
    expect(existsSync(join(tb.dataDir, 'workspaces', id, '.ipynb_checkpoints'))).toBe(false);
  });
});

describe('planted links', () => {
  it('get, save, chunked save, rename, delete and list refuse them or leave their targets alone', async () => {
    const { id, run } = await conversation();
    const planted = await run(`
import os
open('notes.txt', 'w').write('written by the kernel')
os.symlink(${JSON.stringify(join(victim, 'secret.txt'))}, 'file-link.txt')
os.symlink(${JSON.stringify(victim)}, 'dir-link')
# Jupyter's atomic writing backs a file up to .~<name> before overwriting it
os.symlink(${JSON.stringify(join(victim, 'secret.txt'))}, '.~notes.txt')
os.mkdir('real')
print(sorted(os.listdir('.')))
`);
    expect(planted).toContain('dir-link');

    // get
    expect((await jupyter.request(contents(`${id}/file-link.txt`))).status).toBe(404);
    expect((await jupyter.request(contents(`${id}/dir-link`))).status).toBe(404);
    expect((await jupyter.request(contents(`${id}/dir-link/secret.txt`))).status).toBe(404);
    expect((await jupyter.request(`/files/${id}/file-link.txt`)).status).toBe(404);
    // save: through the link, into the linked folder, and over a file whose backup name is a link
    expect((await put(`${id}/file-link.txt`, text('overwritten'))).status).toBe(404);
    expect((await put(`${id}/dir-link/new.txt`, text('planted'))).status).toBe(404);
    expect((await put(`${id}/dir-link/made`, { type: 'directory' })).status).toBe(404);
    expect((await put(`${id}/notes.txt`, text('saved by the server'))).status).toBe(200);
    expect(await readFile(join(tb.dataDir, 'workspaces', id, 'notes.txt'), 'utf8')).toBe('saved by the server');
    // chunked save (a later chunk appends)
    expect((await put(`${id}/file-link.txt`, { ...text('appended'), chunk: 2 })).status).toBe(404);
    expect((await put(`${id}/dir-link/secret.txt`, { ...text('appended'), chunk: -1 })).status).toBe(404);
    // rename: out through a link, in from a link, and of the link itself
    const patch = (from: string, to: string) => jupyter.request(contents(from), { method: 'PATCH', body: JSON.stringify({ path: to }) });
    expect((await patch(`${id}/notes.txt`, `${id}/dir-link/notes.txt`)).status).toBe(404);
    expect((await patch(`${id}/dir-link/secret.txt`, `${id}/stolen.txt`)).status).toBe(404);
    expect((await patch(`${id}/dir-link/keep`, `${id}/stolen`)).status).toBe(404);
    // delete: through a link, and the files a kernel linked to
    expect((await jupyter.request(contents(`${id}/dir-link/secret.txt`), { method: 'DELETE' })).status).toBe(404);
    expect((await jupyter.request(contents(`${id}/dir-link/keep`), { method: 'DELETE' })).status).toBe(404);
    expect((await jupyter.request(contents(`${id}/notes.txt`), { method: 'DELETE' })).status).toBe(204);
    // list: links are not entries
    const listing = (await (await jupyter.request(`${contents(id)}?content=1`)).json()) as { content: Array<{ name: string }> };
    expect(listing.content.map((entry) => entry.name).sort()).toEqual(['real']);
    await victimUntouched();
  });

  it('a name a kernel keeps swapping between a file and a link is never read or written through the link', async () => {
    const { id, socket } = await conversation();
    const swapping = socket.run(
      `
import os, time
end = time.time() + 6
swaps = 0
while time.time() < end:
    os.symlink(${JSON.stringify(join(victim, 'secret.txt'))}, 'l.tmp'); os.replace('l.tmp', 'swap.txt')
    open('f.tmp', 'w').write('plain'); os.replace('f.tmp', 'swap.txt')
    try:
        os.unlink('swapdir') if os.path.islink('swapdir') else os.rmdir('swapdir')
    except OSError:
        pass
    try:
        os.symlink(${JSON.stringify(victim)}, 'swapdir') if swaps % 2 else os.mkdir('swapdir')
    except OSError:
        pass
    swaps += 1
print('swaps', swaps)
`,
      30_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const seen: string[] = [];
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const got = await jupyter.request(`${contents(`${id}/swap.txt`)}?content=1&format=text&type=file`);
      if (got.ok) seen.push(((await got.json()) as { content: string }).content);
      await put(`${id}/swap.txt`, text('overwritten'));
      await put(`${id}/swapdir/planted.txt`, text('planted'));
      await jupyter.request(contents(`${id}/swapdir/secret.txt`), { method: 'DELETE' });
      await jupyter.request(contents(`${id}/swapdir/keep`), { method: 'PATCH', body: JSON.stringify({ path: `${id}/stolen` }) });
    }
    const { cell } = await swapping;
    expect(streamText(cell.outputs)).toMatch(/^swaps \d+/);
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.filter((content) => content.includes(SECRET))).toEqual([]);
    await victimUntouched();
  });
});

describe('the Files listing', () => {
  it('lists every file even with directory links after real subfolders', async () => {
    const { id, run } = await conversation();
    await run(`
import os
for i in range(5):
    os.mkdir(f'real-{i}')
    os.symlink(${JSON.stringify(victim)}, f'link-{i}')
    open(f'data-{i}.csv', 'w').write('a,b\\n1,2\\n')
`);
    const files = (await (await tb.api(`/api/conversations/${id}/files`)).json()) as Array<{ name: string }>;
    expect(files.map((file) => file.name)).toEqual(['data-0.csv', 'data-1.csv', 'data-2.csv', 'data-3.csv', 'data-4.csv']);
  });
});
