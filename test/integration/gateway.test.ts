import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jupyterSettings } from '../../server/jupyter/jupyter-settings.ts';
import { kernelFileRequest } from '../../server/kernel/kernel-files.ts';
import { Kernels } from '../../server/kernel/kernels.ts';
import { createLogger } from '../../server/log.ts';
import { lastToolResult, startFakeOpenAI, type FakeOpenAI } from '../fakes/openai-server.ts';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-gateway.ts';
import { streamText as text } from '../helpers/outputs.ts';
import { streamedUpload } from '../helpers/streamed-upload.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';

/**
 * Talkbook against a kernel gateway: no contents API, so each kernel makes and enters its own
 * folder and every file moves through the kernel (binary comm messages), never through a disk
 * Talkbook can see.
 */
const MAX_MB = 12;
let gateway: FakeGateway;
let fake: FakeOpenAI;
let tb: TestTalkbook;

beforeAll(async () => {
  gateway = await startFakeGateway();
  fake = await startFakeOpenAI();
  tb = await startTestTalkbook({
    JUPYTER_URL: gateway.url,
    JUPYTER_TOKEN: gateway.jupyter.token,
    TALKBOOK_MAX_UPLOAD_MB: String(MAX_MB),
    OPENAI_BASE_URL: fake.url,
    OPENAI_API_KEY: 'test',
  });
});

afterAll(async () => {
  await tb?.close();
  await fake?.close();
  await gateway?.close();
});

function upload(id: string, name: string, bytes: Uint8Array<ArrayBuffer> | string) {
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  return tb.api(`/api/conversations/${id}/files`, { method: 'POST', body: form });
}

async function names(id: string): Promise<string[]> {
  const response = await tb.api(`/api/conversations/${id}/files`);
  expect(response.status).toBe(200);
  return ((await response.json()) as Array<{ name: string }>).map((file) => file.name);
}

describe('with a kernel gateway (no contents API)', () => {
  it('runs conversations each in its own folder', async () => {
    const a = await tb.createConversation();
    const b = await tb.createConversation();
    const sa = await tb.connect(a.id);
    const sb = await tb.connect(b.id);
    const ra = await sa.run('import os\nx = 6 * 7\nprint(x, os.path.basename(os.getcwd()))');
    expect(text(ra.cell.outputs)).toBe(`42 ${a.id}\n`);
    const rb = await sb.run('import os\nprint("x" in globals(), os.path.basename(os.getcwd()))');
    expect(text(rb.cell.outputs)).toBe(`False ${b.id}\n`);
    expect(existsSync(join(gateway.jupyter.rootDir, a.id))).toBe(true);
    expect(existsSync(join(gateway.jupyter.rootDir, b.id))).toBe(true);
    // Setting up the file channel left nothing in the person's namespace.
    const names = await sa.run('print(sorted(n for n in globals() if not n.startswith("_")))');
    expect(text(names.cell.outputs)).toBe("['In', 'Out', 'exit', 'get_ipython', 'os', 'quit', 'x']\n");
  });

  it('puts an R conversation in its own folder too; its files need a Python kernel', async () => {
    const { id } = await tb.createConversation({ kernel: 'ir' });
    const socket = await tb.connect(id);
    const { cell } = await socket.run('df <- data.frame(x = 1:3)\nwrite.csv(df, "r.csv")\ncat(basename(getwd()), file.exists("r.csv"), "\\n")');
    expect(text(cell.outputs)).toBe(`${id} TRUE \n`);
    expect(existsSync(join(gateway.jupyter.rootDir, id, 'r.csv'))).toBe(true);
    const listed = await tb.api(`/api/conversations/${id}/files`);
    expect(listed.status).toBe(503);
    expect((await listed.json()).error).toMatch(/Python kernels only/);
  });

  it('uploads, lists, downloads and deletes files through the kernel', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    // Before any cell ran: the upload starts the kernel, which makes the folder.
    const first = await upload(id, 'cities.csv', 'city,pop\nBern,134\nBasel,173\n');
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ name: 'cities.csv', size: 28 });
    await socket.waitFor((f) => f.type === 'cell' && f.cell.kind === 'notice' && f.cell.text.includes('2 rows × 2 columns'));
    // The assistant is told which files the workspace holds, and its code reads them.
    const code = "import pandas as pd\nprint(pd.read_csv('cities.csv')['pop'].sum())";
    fake.script([{ toolCall: { code } }, (req) => ({ text: `The total is ${lastToolResult(req.body).trim()}.` })]);
    const asked = fake.requests.length;
    const { end } = await socket.turn({ type: 'ask', text: 'What is the total population?' });
    expect(end.state).toBe('done');
    expect(JSON.stringify(fake.requests[asked]!.body.messages)).toMatch(/Files in the workspace[^"]*- cities\.csv \(28 B\)/);
    expect(lastToolResult(fake.requests[asked + 1]!.body)).toContain('307');

    // Same name again: never replaced, suffixed.
    const second = await upload(id, 'cities.csv', 'city,pop\nZug,31\n');
    expect(await second.json()).toEqual({ name: 'cities (1).csv', size: 16 });
    expect(await readFile(join(gateway.jupyter.rootDir, id, 'cities.csv'), 'utf8')).toBe('city,pop\nBern,134\nBasel,173\n');

    // A file of several requests each way (4 MiB each), byte for byte.
    const big = randomBytes(9.5 * 1024 * 1024);
    expect((await upload(id, 'big.bin', big)).status).toBe(201);
    expect((await readFile(join(gateway.jupyter.rootDir, id, 'big.bin'))).equals(big)).toBe(true);
    const download = await tb.api(`/api/conversations/${id}/files/big.bin`);
    expect(download.headers.get('content-length')).toBe(String(big.length));
    expect(Buffer.from(await download.arrayBuffer()).equals(big)).toBe(true);

    // What the code writes is listed; links, folders, FIFOs and hidden files are not, nor served.
    await socket.run(
      [
        'import os',
        "open('out.txt', 'w').write('from the kernel')",
        "os.symlink('/etc/passwd', 'passwd')",
        "os.mkdir('folder')",
        "os.mkfifo('pipe')",
        "open('.hidden', 'w').write('x')",
      ].join('\n'),
    );
    expect(await names(id)).toEqual(['big.bin', 'cities (1).csv', 'cities.csv', 'out.txt']);
    expect(await (await tb.api(`/api/conversations/${id}/files/out.txt`)).text()).toBe('from the kernel');
    for (const name of ['passwd', 'folder', 'pipe', '.hidden', '..', 'nothing.txt']) {
      expect((await tb.api(`/api/conversations/${id}/files/${encodeURIComponent(name)}`)).status).toBe(404);
      expect((await tb.api(`/api/conversations/${id}/files/${encodeURIComponent(name)}`, { method: 'DELETE' })).status).toBe(404);
    }
    expect(existsSync('/etc/passwd')).toBe(true);

    expect((await tb.api(`/api/conversations/${id}/files/out.txt`, { method: 'DELETE' })).status).toBe(204);
    expect(await names(id)).toEqual(['big.bin', 'cities (1).csv', 'cities.csv']);
  });

  it('waits for a running cell to store an upload, and lists without waiting', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    await socket.run('pass');
    expect(await names(id)).toEqual([]);
    const running = socket.run('import time\ntime.sleep(2)\nprint("slept")');
    await socket.waitFor((f) => f.type === 'cell' && f.cell.kind === 'code' && f.cell.status === 'running');
    // Listing does not wait for the cell: the last listing is answered at once.
    const listedAt = Date.now();
    expect(await names(id)).toEqual([]);
    expect(Date.now() - listedAt).toBeLessThan(1000);
    const started = Date.now();
    const response = await upload(id, 'late.txt', 'after the cell');
    expect(response.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThan(500);
    expect(text((await running).cell.outputs)).toBe('slept\n');
    expect(await names(id)).toEqual(['late.txt']);
  });

  it('leaves no partial file when an upload fails mid-stream', async () => {
    const { id } = await tb.createConversation();
    const response = (await streamedUpload(tb, id, 'huge.bin', (MAX_MB + 1) * 1024 * 1024, true)) as Response;
    expect(response.status).toBe(413);
    const folder = join(gateway.jupyter.rootDir, id);
    // Chunks were stored before the limit hit; the clean-up runs in the kernel right after.
    const deadline = Date.now() + 10_000;
    while ((await readdir(folder)).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await readdir(folder)).toEqual([]);
    expect((await upload(id, 'ok.txt', 'fine')).status).toBe(201);
  });

  it('deleting a conversation removes its folder and shuts its kernel down', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    expect((await upload(id, 'data.csv', 'a\n1\n')).status).toBe(201);
    const { cell } = await socket.run('import os\nprint(os.getpid())');
    const pid = Number(text(cell.outputs));
    expect(existsSync(join(gateway.jupyter.rootDir, id, 'data.csv'))).toBe(true);
    expect((await tb.api(`/api/conversations/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect(existsSync(join(gateway.jupyter.rootDir, id))).toBe(false);
    const deadline = Date.now() + 15_000;
    while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(processAlive(pid)).toBe(false);
  });
});

describe('TALKBOOK_FILES=kernel with a server that has a contents API', () => {
  it('moves every file through the kernel and never calls the contents API', async () => {
    const server = await startFakeGateway({ contentsApi: true });
    const viaKernel = await startTestTalkbook({ JUPYTER_URL: server.url, JUPYTER_TOKEN: server.jupyter.token, TALKBOOK_FILES: 'kernel', TALKBOOK_KERNEL_POOL: '0' });
    try {
      const { id } = await viaKernel.createConversation();
      const form = new FormData();
      form.append('file', new Blob(['a,b\n1,2\n']), 'kernel.csv');
      expect((await viaKernel.api(`/api/conversations/${id}/files`, { method: 'POST', body: form })).status).toBe(201);
      const socket = await viaKernel.connect(id);
      const { cell } = await socket.run("import os\nprint(os.path.basename(os.getcwd()), open('kernel.csv').read().count('\\n'))");
      expect(text(cell.outputs)).toBe(`${id} 2\n`);
      expect(await (await viaKernel.api(`/api/conversations/${id}/files/kernel.csv`)).text()).toBe('a,b\n1,2\n');
      expect(await readFile(join(server.jupyter.rootDir, id, 'kernel.csv'), 'utf8')).toBe('a,b\n1,2\n');
      expect(server.requests.filter((request) => request.includes('/api/contents'))).toEqual([]);
    } finally {
      await viaKernel.close();
      await server.close();
    }
  });
});

describe('the kernel side of file requests', () => {
  it('refuses paths, links, folders and replacing files, whatever Talkbook is asked', async () => {
    const kernels = new Kernels({ settings: jupyterSettings(gateway.url, gateway.jupyter.token), log: createLogger('silent'), defaultKernel: 'python3' });
    try {
      const session = await kernels.session('direct', 'python3');
      const folder = join(gateway.jupyter.rootDir, 'direct');
      await session.execute("open('kept.txt', 'w').write('kept')\nimport os\nos.symlink('/etc', 'etc')");
      for (const name of ['../escape.txt', '/etc/passwd', 'a/b', '..', '.', '', '.bashrc', 'x'.repeat(300), 'etc']) {
        await expect(kernelFileRequest(session, 'stat', { name })).rejects.toMatchObject({ status: expect.any(Number) });
        await expect(kernelFileRequest(session, 'delete', { name })).rejects.toMatchObject({ status: expect.any(Number) });
      }
      await expect(kernelFileRequest(session, 'append', { temp: '../../escape.part', offset: 0 }, { buffers: [new Uint8Array([1])] })).rejects.toMatchObject({ status: 400 });
      const { reply } = await kernelFileRequest(session, 'begin');
      await kernelFileRequest(session, 'append', { temp: reply.temp, offset: 0 }, { buffers: [new TextEncoder().encode('new')] });
      // A stale offset (a chunk sent twice or out of order) is refused.
      await expect(kernelFileRequest(session, 'append', { temp: reply.temp, offset: 0 }, { buffers: [new Uint8Array([1])] })).rejects.toMatchObject({ status: 409 });
      await expect(kernelFileRequest(session, 'claim', { temp: reply.temp, candidates: ['kept.txt', 'etc', '../up.txt'] })).rejects.toMatchObject({ status: 400 });
      await expect(kernelFileRequest(session, 'claim', { temp: reply.temp, candidates: ['kept.txt', 'etc'] })).rejects.toMatchObject({ status: 409 });
      expect(await readFile(join(folder, 'kept.txt'), 'utf8')).toBe('kept');
      // A read asks for the version it was told: a file that changed since is refused.
      const { reply: stat } = await kernelFileRequest(session, 'stat', { name: 'kept.txt' });
      await session.execute("open('kept.txt', 'a').write(' and more')");
      await expect(kernelFileRequest(session, 'read', { name: 'kept.txt', offset: 0, length: 100, version: stat.file.version })).rejects.toMatchObject({ status: 409 });
      expect(existsSync(join(gateway.jupyter.rootDir, 'escape.txt'))).toBe(false);
      expect(existsSync('/etc/passwd') && existsSync(join(folder, 'etc'))).toBe(true);
    } finally {
      await kernels.shutdownAll();
    }
  });

  it('treats answers from the kernel as untrusted', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    // Code in the conversation takes over the file channel and answers nonsense.
    await socket.run(
      [
        'def _fake(comm, msg):',
        "    comm.send({'ok': True, 'files': [{'name': 'x', 'size': -1}]})",
        '    comm.close()',
        "get_ipython().kernel.comm_manager.register_target('talkbook.files', _fake)",
      ].join('\n'),
    );
    const listed = await tb.api(`/api/conversations/${id}/files`);
    expect(listed.status).toBe(502);
    expect((await listed.json()).error).toMatch(/does not understand/);
    expect((await tb.api('/api/health')).status).toBe(200);
  });
});

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
