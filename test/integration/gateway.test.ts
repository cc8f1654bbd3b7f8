import { existsSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startPlainJupyter } from './../helpers/plain-jupyter.ts';
import { startTestTalkbook } from '../helpers/talkbook.ts';
import { streamText as text } from '../helpers/outputs.ts';


/**
 * A Kernel Gateway / Enterprise Gateway offers kernels and kernel websockets but no contents API
 * (and may refuse to list kernels). A proxy in front of a plain jupyter-server plays one.
 */
it('runs conversations against a gateway without a contents API, each in its own folder', async () => {
  const remote = await startPlainJupyter();
  const target = new URL(remote.url);
  const proxy = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    if (path.startsWith('/api/contents')) return void res.writeHead(404).end('{"message":"Not Found"}');
    if (req.method === 'GET' && path === '/api/kernels') return void res.writeHead(403).end('{"message":"Forbidden"}');
    const upstream = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode!, r.headers);
      r.pipe(res);
    });
    req.pipe(upstream);
  });
  proxy.on('upgrade', (req, socket, head) => {
    const up = connect(Number(target.port), target.hostname, () => {
      up.write(`${req.method} ${req.url} HTTP/1.1\r\n${Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
      up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const tb = await startTestTalkbook({ JUPYTER_URL: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, JUPYTER_TOKEN: remote.token });
  try {
    const a = await tb.createConversation();
    const b = await tb.createConversation();
    const sa = await tb.connect(a.id);
    const sb = await tb.connect(b.id);
    const ra = await sa.run('import os\nx = 6 * 7\nprint(x, os.path.basename(os.getcwd()))');
    expect(text(ra.cell.outputs)).toBe(`42 ${a.id}\n`);
    const rb = await sb.run('import os\nprint("x" in globals(), os.path.basename(os.getcwd()))');
    expect(text(rb.cell.outputs)).toBe(`False ${b.id}\n`);
    expect(existsSync(join(remote.rootDir, a.id))).toBe(true);
    expect(existsSync(join(remote.rootDir, b.id))).toBe(true);
    // No file transfer without a contents API yet: a clear 503, and an empty listing.
    const form = new FormData();
    form.append('file', new Blob(['a,b\n1,2\n']), 'x.csv');
    const upload = await tb.api(`/api/conversations/${a.id}/files`, { method: 'POST', body: form });
    expect(upload.status).toBe(503);
    expect((await upload.json()).error).toMatch(/no contents API/);
    expect(await (await tb.api(`/api/conversations/${a.id}/files`)).json()).toEqual([]);
  } finally {
    await tb.close();
    proxy.close();
    await remote.close();
  }
});
