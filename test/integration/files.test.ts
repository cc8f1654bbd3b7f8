import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Output, ServerFrame } from '../../server/protocol/index.ts';
import { streamedUpload } from '../helpers/streamed-upload.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';

const MAX_MB = 6;
/** Lets a run choose the kernel sandbox (`TALKBOOK_SANDBOX=off`) where it is unavailable. */
const sandboxEnv: Record<string, string> = process.env.TALKBOOK_SANDBOX ? { TALKBOOK_SANDBOX: process.env.TALKBOOK_SANDBOX } : {};
let tb: TestTalkbook;
beforeAll(async () => {
  tb = await startTestTalkbook({ TALKBOOK_MAX_UPLOAD_MB: String(MAX_MB), ...sandboxEnv });
});
afterAll(async () => {
  await tb?.close();
});

const text = (outputs: Output[]) =>
  outputs.map((o) => (o.output_type === 'stream' ? o.text : o.output_type === 'execute_result' ? String(o.data['text/plain']) : '')).join('');

const SALES = 'date,revenue,region,units\n2024-01-01,10.5,north,3\n2024-01-02,7.25,south,4\n2024-01-03,1.0,east,5\n';

function upload(id: string, name: string, bytes: string | Uint8Array) {
  const form = new FormData();
  form.append('file', new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)]), name);
  return tb.api(`/api/conversations/${id}/files`, { method: 'POST', body: form });
}

const workspace = (id: string) => join(tb.dataDir, 'workspaces', id);

/** Every file below `dir`, relative. */
async function walk(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out;
}

describe('uploads', () => {
  it('puts a CSV into the workspace where pandas reads it, and tells the conversation what is in it', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const response = await upload(id, 'sales.csv', SALES);
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ name: 'sales.csv', size: SALES.length });

    const notice = (await socket.waitFor((f) => f.type === 'cell' && f.cell.kind === 'notice' && f.cell.text.includes('sales.csv'))) as Extract<
      ServerFrame,
      { type: 'cell' }
    >;
    const noticeText = notice.cell.kind === 'notice' ? notice.cell.text : '';
    expect(noticeText).toContain(`Uploaded \`sales.csv\` (${SALES.length} bytes)`);
    expect(noticeText).toContain('3 rows × 4 columns: `date` (object), `revenue` (float64), `region` (object), `units` (int64)');
    expect(noticeText).toContain('First rows:');
    expect(socket.frames.some((f) => f.type === 'turn' && f.request === 'upload' && f.state === 'done')).toBe(true);

    const { cell } = await socket.run("import pandas as pd\ndf = pd.read_csv('sales.csv')\nprint(df.shape, df.revenue.sum())");
    expect(text(cell.outputs)).toBe('(3, 4) 18.75\n');
    // The silent summary left nothing in the person's namespace.
    const names = await socket.run("print(sorted(k for k in globals() if 'talkbook' in k or k == 'json'))");
    expect(text(names.cell.outputs)).toBe('[]\n');
    const detail = (await (await tb.api(`/api/conversations/${id}`)).json()) as { cells: Array<{ kind: string; text?: string }> };
    expect(detail.cells.some((c) => c.kind === 'notice' && c.text?.includes('3 rows × 4 columns'))).toBe(true);
  });

  it('suffixes a name that is taken instead of replacing the file', async () => {
    const { id } = await tb.createConversation();
    expect(await (await upload(id, 'data.csv', 'a\n1\n')).json()).toEqual({ name: 'data.csv', size: 4 });
    expect(await (await upload(id, 'data.csv', 'a\n22\n')).json()).toEqual({ name: 'data (1).csv', size: 5 });
    expect(await (await upload(id, 'data.csv', 'a\n333\n')).json()).toEqual({ name: 'data (2).csv', size: 6 });
    expect(await readFile(join(workspace(id), 'data.csv'), 'utf8')).toBe('a\n1\n');
    expect(await readFile(join(workspace(id), 'data (1).csv'), 'utf8')).toBe('a\n22\n');
  });

  it('streams a multi-chunk upload (4 MiB chunks) byte for byte', async () => {
    const { id } = await tb.createConversation();
    const bytes = randomBytes(5 * 1024 * 1024 + 123);
    const response = await upload(id, 'big.bin', bytes);
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ name: 'big.bin', size: bytes.length });
    expect((await readFile(join(workspace(id), 'big.bin'))).equals(bytes)).toBe(true);
    const socket = await tb.connect(id);
    const { cell } = await socket.run("import hashlib\nprint(hashlib.sha256(open('big.bin','rb').read()).hexdigest())");
    const { createHash } = await import('node:crypto');
    expect(text(cell.outputs).trim()).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('keeps traversal names inside the workspace and never makes hidden files', async () => {
    const { id } = await tb.createConversation();
    expect(await (await upload(id, '../../x', 'one')).json()).toMatchObject({ name: 'x' });
    expect(await (await upload(id, '..\\..\\..\\y.txt', 'two')).json()).toMatchObject({ name: 'y.txt' });
    expect(await (await upload(id, '.bashrc', 'three')).json()).toMatchObject({ name: 'bashrc' });
    expect(await (await upload(id, '', 'four')).json()).toMatchObject({ name: 'upload' });
    expect((await walk(workspace(id))).sort()).toEqual(['bashrc', 'upload', 'x', 'y.txt']);
    // Nothing escaped to the workspaces root, the data folder or its parent.
    expect(existsSync(join(tb.dataDir, 'workspaces', 'x'))).toBe(false);
    expect(existsSync(join(tb.dataDir, 'x'))).toBe(false);
    expect(existsSync(join(tb.dataDir, '..', 'x'))).toBe(false);
    for (const name of ['..%2F..%2Fconversations', '..%2Fx', '.bashrc', '%2Fetc%2Fpasswd']) {
      expect((await tb.api(`/api/conversations/${id}/files/${name}`)).status).toBe(404);
      expect((await tb.api(`/api/conversations/${id}/files/${name}`, { method: 'DELETE' })).status).toBe(404);
    }
  });

  it('answers 413 for an oversized upload, with Content-Length or chunked, and stays healthy', async () => {
    const { id } = await tb.createConversation();
    const tooBig = new Uint8Array((MAX_MB + 1) * 1024 * 1024);
    const declared = await upload(id, 'huge.bin', tooBig).catch((error: unknown) => error);
    expect(declared).toBeInstanceOf(Response);
    expect((declared as Response).status).toBe(413);
    expect(await (declared as Response).json()).toMatchObject({ error: expect.stringContaining('TALKBOOK_MAX_UPLOAD_MB') });

    // No Content-Length: the limit is enforced while streaming.
    const chunked = await streamedUpload(tb, id, 'huge.bin', (MAX_MB + 2) * 1024 * 1024);
    expect(chunked).toBeInstanceOf(Response);
    expect((chunked as Response).status).toBe(413);

    expect((await tb.api('/api/health')).status).toBe(200);
    expect(await (await tb.api(`/api/conversations/${id}/files`)).json()).toEqual([]);
    expect(existsSync(workspace(id)) ? await walk(workspace(id)) : []).toEqual([]);
    expect((await upload(id, 'ok.txt', 'fine')).status).toBe(201);
  });

  it('refuses a request that is not a multipart file upload', async () => {
    const { id } = await tb.createConversation();
    const json = await tb.api(`/api/conversations/${id}/files`, { method: 'POST', body: '{}' });
    expect(json.status).toBe(400);
    const form = new FormData();
    form.append('other', new Blob(['x']), 'x.txt');
    const wrongField = await tb.api(`/api/conversations/${id}/files`, { method: 'POST', body: form });
    expect(wrongField.status).toBe(400);
    expect(await wrongField.json()).toMatchObject({ error: expect.stringContaining('"file"') });
    expect((await upload('0123456789abcdef0123456789abcdef', 'a.txt', 'x')).status).toBe(404);
  });
});

describe('listing, downloads and deletes', () => {
  it('lists files the code wrote (not hidden ones) and downloads them byte for byte', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    await socket.run(
      [
        "open('blob.bin', 'wb').write(bytes(range(256)) * 1000)",
        "open('.secret', 'w').write('hidden')",
        "open('résumé \"v2\".txt', 'w', encoding='utf-8').write('héllo')",
        "import os; os.makedirs('sub', exist_ok=True)",
      ].join('\n'),
    );
    const list = (await (await tb.api(`/api/conversations/${id}/files`)).json()) as Array<{ name: string; size: number; modified: string }>;
    expect(list.map((f) => f.name)).toEqual(['blob.bin', 'résumé "v2".txt']);
    expect(list[0]).toMatchObject({ size: 256_000 });
    expect(Date.parse(list[0]!.modified)).toBeGreaterThan(Date.now() - 120_000);

    const download = await tb.api(`/api/conversations/${id}/files/blob.bin`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/octet-stream');
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="blob.bin"; filename*=UTF-8''blob.bin`);
    const bytes = Buffer.from(await download.arrayBuffer());
    const expected = Buffer.alloc(256_000);
    for (let i = 0; i < expected.length; i++) expected[i] = i % 256;
    expect(bytes.equals(expected)).toBe(true);

    const unicode = await tb.api(`/api/conversations/${id}/files/${encodeURIComponent('résumé "v2".txt')}`);
    expect(unicode.status).toBe(200);
    expect(unicode.headers.get('content-type')).toBe('text/plain');
    expect(unicode.headers.get('content-disposition')).toContain("filename*=UTF-8''r%C3%A9sum%C3%A9%20%22v2%22.txt");
    expect(await unicode.text()).toBe('héllo');

    expect((await tb.api(`/api/conversations/${id}/files/.secret`)).status).toBe(404);
    expect((await tb.api(`/api/conversations/${id}/files/sub`)).status).toBe(404);
    expect((await tb.api(`/api/conversations/${id}/files/missing.csv`)).status).toBe(404);
  });

  it('does not serve what a symlink in the workspace points to', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const secret = join(tb.dataDir, 'outside-secret.txt');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(secret, 'top secret bytes that must stay on the server');
    const { cell } = await socket.run(`import os\nos.symlink(${JSON.stringify(secret)}, 'link.txt')\nos.symlink('/etc', 'etc')\nprint('ok')`);
    expect(text(cell.outputs)).toBe('ok\n');
    const response = await tb.api(`/api/conversations/${id}/files/link.txt`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('top secret');
    expect((await tb.api(`/api/conversations/${id}/files/etc`)).status).toBe(404);
    const list = (await (await tb.api(`/api/conversations/${id}/files`)).json()) as Array<{ name: string }>;
    expect(list.map((f) => f.name)).not.toContain('etc');
  });

  it('deletes a file', async () => {
    const { id } = await tb.createConversation();
    await upload(id, 'gone.txt', 'bye');
    expect((await tb.api(`/api/conversations/${id}/files/gone.txt`, { method: 'DELETE' })).status).toBe(204);
    expect(await (await tb.api(`/api/conversations/${id}/files`)).json()).toEqual([]);
    expect(existsSync(join(workspace(id), 'gone.txt'))).toBe(false);
    expect((await tb.api(`/api/conversations/${id}/files/gone.txt`)).status).toBe(404);
    expect((await tb.api(`/api/conversations/${id}/files/gone.txt`, { method: 'DELETE' })).status).toBe(404);
  });

  it('lists nothing for a conversation whose kernel never ran', async () => {
    const { id } = await tb.createConversation();
    const response = await tb.api(`/api/conversations/${id}/files`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([]);
  });
});
