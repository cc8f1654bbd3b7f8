import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import WebSocket from 'ws';
import type { CodeCell, ServerFrame } from '../../server/protocol/index.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import { streamText as text } from '../helpers/outputs.ts';

const notices = (frames: ServerFrame[]) =>
  frames.flatMap((f) => (f.type === 'cell' && f.cell.kind === 'notice' ? [f.cell.text] : []));

describe('cells that go wrong', () => {
  let tb: TestTalkbook;
  beforeAll(async () => {
    // Replay semantics here (what a kernel without checkpoints does); the test below has them on.
    tb = await startTestTalkbook({ TALKBOOK_CELL_TIMEOUT_S: '3', TALKBOOK_MAX_OUTPUT_MB: '1', TALKBOOK_CHECKPOINT_MB: '0', TALKBOOK_AUTO_RESTORE: '0' });
  });
  afterAll(async () => {
    await tb?.close();
  });

  it('interrupts a cell that exceeds the time limit and says so, keeping state', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    await socket.run('kept = 11');
    const started = Date.now();
    const { cell } = await socket.run('import time\ntime.sleep(60)');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(cell.status).toBe('interrupted');
    expect(cell.failure).toMatch(/time limit of 3 s/);
    expect(text((await socket.run('print(kept)')).cell.outputs)).toBe('11\n');
  });

  for (const [what, code] of [
    ['os._exit', 'import os\nos._exit(1)'],
    ['a segfault', 'import ctypes\nctypes.string_at(0)'],
  ] as const) {
    it(`fails the running cell when the kernel dies (${what}) and continues on a fresh kernel`, async () => {
      const { id } = await tb.createConversation();
      const socket = await tb.connect(id);
      await socket.run('lost = 1');
      const started = Date.now();
      const died = await socket.run(code, 30_000);
      expect(Date.now() - started).toBeLessThan(8000);
      expect(died.cell.status).toBe('error');
      expect(died.cell.failure).toMatch(/kernel died/i);
      const next = await socket.run('print("lost" in globals())', 30_000);
      expect(text(next.cell.outputs)).toBe('False\n');
      expect(notices(socket.frames).join('\n')).toMatch(/variables are gone/);
    });
  }

  it('with checkpoints (the default), brings the variables back after the kernel dies', async () => {
    const withCheckpoints = await startTestTalkbook();
    try {
      const { id } = await withCheckpoints.createConversation();
      const socket = await withCheckpoints.connect(id);
      await socket.run('kept = [1, 2, 3]');
      const died = await socket.run('import os\nos._exit(1)', 30_000);
      expect(died.cell.status).toBe('error');
      expect(died.cell.failure).toMatch(/kernel died/i);
      const next = await socket.run('print(sum(kept))', 60_000);
      expect(text(next.cell.outputs)).toBe('6\n');
    } finally {
      await withCheckpoints.close();
    }
  }, 120_000);

  it('caps the output of an endless print loop, says so, and can be interrupted', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const rssBefore = process.memoryUsage().rss;
    // Lines of 200 bytes reach the 1 MB cap in a few thousand prints, even on a loaded machine.
    const turn = socket.turn({ type: 'run', code: 'i = 0\nwhile True:\n    print("flood", i, "x" * 200)\n    i += 1' });
    await socket.waitFor((f) => f.type === 'cell' && f.cell.kind === 'code' && f.cell.outputTruncated === true, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await tb.api(`/api/conversations/${id}/interrupt`, { method: 'POST' })).status).toBe(204);
    const { frames } = await turn;
    const cell = frames.flatMap((f) => (f.type === 'cell' && f.cell.kind === 'code' ? [f.cell] : [])).at(-1) as CodeCell;
    expect(cell.status).toBe('interrupted');
    expect(cell.outputTruncated).toBe(true);
    const stored = (await (await tb.api(`/api/conversations/${id}`)).json()) as { cells: CodeCell[] };
    const size = JSON.stringify(stored.cells.at(-1)!.outputs).length;
    expect(size).toBeLessThan(1.2 * 1024 * 1024);
    const outputBytes = frames.filter((f) => f.type === 'output').reduce((sum, f) => sum + JSON.stringify(f).length, 0);
    expect(outputBytes).toBeLessThan(2 * 1024 * 1024);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
    expect(text((await socket.run('print(i > 0)')).cell.outputs)).toBe('True\n');
  }, 120_000);

  it('counts every output kind against the cap, not only streams', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const { cell } = await socket.run('from IPython.display import HTML, display\nfor i in range(12):\n    display(HTML("<p>" + "x" * 200_000 + "</p>"))', 60_000);
    expect(cell.status).toBe('ok');
    expect(cell.outputTruncated).toBe(true);
    expect(cell.outputs.length).toBeLessThan(10);
  });
});

describe('kernels that are not used', () => {
  it('shuts an idle kernel down with a notice, and the next cell starts a fresh one', async () => {
    const tb = await startTestTalkbook({ TALKBOOK_KERNEL_IDLE_MINUTES: '0.03', TALKBOOK_CHECKPOINT_MB: '0', TALKBOOK_AUTO_RESTORE: '0' });
    try {
      const { id } = await tb.createConversation();
      const socket = await tb.connect(id);
      await socket.run('x = 1');
      await socket.waitFor((f) => f.type === 'cell' && f.cell.kind === 'notice' && /without use/.test(f.cell.text), 15_000);
      await socket.waitFor((f) => f.type === 'kernel' && f.state === 'dead');
      const { cell } = await socket.run('print("x" in globals())');
      expect(text(cell.outputs)).toBe('False\n');
    } finally {
      await tb.close();
    }
  });

  it('keeps at most TALKBOOK_MAX_KERNELS alive, shutting down the least recently used', async () => {
    const tb = await startTestTalkbook({ TALKBOOK_MAX_KERNELS: '2', TALKBOOK_KERNEL_POOL: '0', TALKBOOK_CHECKPOINT_MB: '0' });
    try {
      const sockets = [];
      for (let i = 0; i < 3; i++) {
        const { id } = await tb.createConversation();
        const socket = await tb.connect(id);
        await socket.run(`mine = ${i}`);
        sockets.push(socket);
      }
      await sockets[0]!.waitFor((f) => f.type === 'cell' && f.cell.kind === 'notice' && /TALKBOOK_MAX_KERNELS/.test(f.cell.text), 10_000);
      expect(text((await sockets[1]!.run('print(mine)')).cell.outputs)).toBe('1\n');
      expect(text((await sockets[2]!.run('print(mine)')).cell.outputs)).toBe('2\n');
      const list = await tb.list();
      expect(list.filter((c) => c.kernelState !== 'dead').length).toBeLessThanOrEqual(2);
    } finally {
      await tb.close();
    }
  }, 120_000);
});

describe('bad input', () => {
  let tb: TestTalkbook;
  beforeAll(async () => {
    tb = await startTestTalkbook();
  });
  afterAll(async () => {
    await tb?.close();
  });

  it('survives thousands of random and mutated frames and still answers correctly', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T,>(items: T[]) => items[Math.floor(random() * items.length)]!;
    const valid = [{ type: 'interrupt' }, { type: 'resume', after: 0 }, { type: 'cancel' }];
    const junk = () => pick<unknown>([null, true, 0, -1, 1e308, '', 'x'.repeat(50), [], {}, { type: null }, { type: 'run' }, { type: 'ask', text: '' }, { type: 'resume', after: 'x' }, { type: 'run', code: 1 }, { type: '__proto__' }, { type: 'constructor' }, { type: 'run', code: 'print(1)', cellId: 'nope' }]);
    let sent = 0;
    for (let i = 0; i < 3000; i++) {
      const kind = random();
      if (kind < 0.3) socket.send(String.fromCharCode(...Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256))));
      else if (kind < 0.6) socket.send(JSON.stringify(junk()));
      else if (kind < 0.8) {
        const base = JSON.stringify(pick(valid));
        const at = Math.floor(random() * base.length);
        socket.send(base.slice(0, at) + String.fromCharCode(Math.floor(random() * 128)) + base.slice(at + 1));
      } else socket.send(JSON.stringify({ ...(pick(valid) as object), extra: junk(), requestId: pick([1, null, 'ok']) }));
      sent += 1;
    }
    expect(sent).toBe(3000);
    const { cell } = await socket.run('print(6 * 7)');
    expect(text(cell.outputs)).toBe('42\n');
    const errors = socket.frames.filter((f) => f.type === 'error');
    expect(errors.length).toBeGreaterThan(1000);
    expect((await tb.api('/api/health', { auth: false })).status).toBe(200);
  });

  it('closes the socket with a reason on an oversized frame', async () => {
    const { id } = await tb.createConversation();
    const ws = new WebSocket(`${tb.url.replace('http', 'ws')}/api/conversations/${id}/ws?token=${tb.token}`);
    await new Promise((resolve) => ws.once('open', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(JSON.stringify({ type: 'run', code: 'x'.repeat(2 * 1024 * 1024) }));
    expect(await closed).toBe(1009);
    const socket = await tb.connect(id);
    expect(text((await socket.run('print("alive")')).cell.outputs)).toBe('alive\n');
  });

  it('answers bad HTTP with 4xx and a JSON reason, and pages carry a CSP', async () => {
    const big = await rawPost(tb, '/api/conversations', JSON.stringify({ title: 'x'.repeat(3 * 1024 * 1024) }));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toHaveProperty('error');
    const wrongType = await tb.api('/api/conversations', { method: 'POST', body: JSON.stringify({ title: 42 }) });
    expect(wrongType.status).toBe(400);
    expect((await wrongType.json()).error).toMatch(/title/);
    const { id } = await tb.createConversation();
    const rename = await tb.api(`/api/conversations/${id}`, { method: 'PATCH', body: '[]' });
    expect(rename.status).toBe(400);
    // npm test builds the client first (scripts/ensure.mjs).
    const page = await tb.api('/c/whatever', { auth: false });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    const frame = await tb.api('/frame.html', { auth: false });
    expect(frame.status).toBe(200);
    expect(frame.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
  });

  it('sends the client compressed as the browser accepts, byte for byte the same', async () => {
    const html = (await rawGet(tb, '/', {})).body.toString('utf8');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const plain = await rawGet(tb, script!, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    const br = await rawGet(tb, script!, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/Accept-Encoding/);
    expect(br.headers['cache-control']).toMatch(/immutable/);
    expect(br.body.length).toBeLessThan(plain.body.length / 2);
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    const gz = await rawGet(tb, script!, { 'Accept-Encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    const frame = await rawGet(tb, '/frame.html', { 'Accept-Encoding': 'br' });
    expect(frame.headers['content-security-policy']).toMatch(/default-src 'none'/);
  });
});

/** GET with node:http, which (unlike fetch) leaves the body as sent. */
function rawGet(tb: TestTalkbook, path: string, headers: Record<string, string>): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(new URL(tb.url + path), { headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

/** POST with node:http, tolerating the server closing the connection once it has answered. */
function rawPost(tb: TestTalkbook, path: string, body: string): Promise<{ status: number; body: string }> {
  const url = new URL(tb.url + path);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { Authorization: `Bearer ${tb.token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', (error) => (/EPIPE|ECONNRESET/.test(String(error)) ? undefined : reject(error)));
    req.end(body);
  });
}
