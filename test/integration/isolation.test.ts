import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Output } from '../../server/protocol/index.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';

/**
 * Attack tests: conversation B (and its model-written code) tries to reach conversation A, the
 * Jupyter server and the host. Each expectation fails without the sandbox of kernel-config/.
 */
const CANARY = 'canary-7f3a9c1e';
let tb: TestTalkbook;
let tcpHits = 0;
let udpHits = 0;
let tcpPort = 0;
let udpPort = 0;
const closers: Array<() => void> = [];

const out = (outputs: Output[]) =>
  outputs.map((o) => (o.output_type === 'stream' ? o.text : o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : '')).join('');

beforeAll(async () => {
  const tcp = createServer((socket) => {
    tcpHits += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  tcpPort = (tcp.address() as AddressInfo).port;
  const udp = createSocket('udp4');
  udp.on('message', () => (udpHits += 1));
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
  udpPort = udp.address().port;
  closers.push(() => tcp.close(), () => udp.close());
  // A 20 MB upload limit keeps the 300 MB chunked-upload attack quick; the limit is what is tested.
  tb = await startTestTalkbook({ OPENAI_API_KEY: `sk-${CANARY}`, TALKBOOK_CANARY: CANARY, JUPYTER_TOKEN_CANARY: CANARY, TALKBOOK_MAX_UPLOAD_MB: '20' });
});

afterAll(async () => {
  await tb?.close();
  for (const close of closers) close();
});

/** Where Jupyter keeps its runtime files (connection files, sockets, its own token). */
async function runtimeDir(): Promise<string> {
  for (const entry of await readdir(tmpdir())) {
    if (!entry.startsWith('tb-')) continue;
    const rt = join(tmpdir(), entry, 'rt');
    const names = await readdir(rt).catch(() => [] as string[]);
    if (names.some((name) => name.startsWith('jpserver-') && name.endsWith('.json'))) {
      const info = JSON.parse(await readFile(join(rt, names.find((n) => n.startsWith('jpserver-') && n.endsWith('.json'))!), 'utf8'));
      if (info.root_dir === join(tb.dataDir, 'workspaces')) return rt;
    }
  }
  throw new Error('runtime folder not found');
}

describe('the default setup', () => {
  it('runs kernels in the sandbox', async () => {
    expect(await (await tb.api('/api/health', { auth: false })).json()).toMatchObject({ sandboxed: true });
  });
});

describe('conversation B attacking conversation A', () => {
  it('cannot read A\'s connection file, sockets, workspace or the Jupyter token, nor drive A\'s kernel with them', async () => {
    const a = await tb.createConversation({ title: 'A' });
    const sa = await tb.connect(a.id);
    await sa.run(`secret_of_a = "${CANARY}-a"\nopen("private.txt", "w").write("A's data")`);

    const rt = await runtimeDir();
    const names = await readdir(rt);
    const connectionFile = join(rt, names.find((n) => /^kernel-.*\.json$/.test(n))!);
    const connection = JSON.parse(await readFile(connectionFile, 'utf8'));
    const serverInfo = join(rt, names.find((n) => n.startsWith('jpserver-') && n.endsWith('.json'))!);
    const jupyterToken = JSON.parse(await readFile(serverInfo, 'utf8')).token as string;
    const aWorkspace = join(tb.dataDir, 'workspaces', a.id);

    const b = await tb.createConversation({ title: 'B' });
    const sb = await tb.connect(b.id);
    // B is handed everything an attacker could hope to find: paths, the HMAC key, the token.
    const attack = `
import json, os, glob
found = {}
for path in ${JSON.stringify([connectionFile, serverInfo, join(aWorkspace, 'private.txt'), connection.ip + '-' + connection.shell_port])}:
    try:
        with open(path, 'rb') as f:
            found[path] = f.read(100).decode('latin1')
    except Exception as e:
        pass
found_globs = [p for pattern in ['/tmp/tb-*/rt/*', '/tmp/*/rt/*', ${JSON.stringify(join(tb.dataDir, '*'))}, '/root/*', '/proc/*/environ'] for p in glob.glob(pattern)]
env_leak = []
for p in glob.glob('/proc/*/environ'):
    try:
        if ${JSON.stringify(CANARY)}.encode() in open(p, 'rb').read():
            env_leak.append(p)
    except Exception:
        pass
from jupyter_client import BlockingKernelClient
client = BlockingKernelClient()
client.load_connection_info(${JSON.stringify(connection)})
client.start_channels()
reply = None
try:
    msg_id = client.execute('print(secret_of_a)')
    reply = client.get_shell_msg(timeout=3)
except Exception as e:
    reply = None
client.stop_channels()
import urllib.request
try:
    urllib.request.urlopen('http://127.0.0.1:${new URL(tb.url).port}/api/health', timeout=2)
    http = 'reached talkbook'
except Exception:
    http = 'blocked'
import socket
try:
    jupyter = socket.socket(socket.AF_UNIX)
    jupyter.settimeout(2)
    jupyter.connect(${JSON.stringify(join(dirname(rt), 'jupyter.sock'))})
    jupyter.sendall(b'GET /api/kernels?token=${jupyterToken} HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n')
    jupyter_api = 'reached jupyter: ' + jupyter.recv(100).decode('latin1')
except Exception:
    jupyter_api = 'blocked'
print(json.dumps({"found": found, "globs": [g for g in found_globs if 'environ' not in g], "env_leak": env_leak, "reply": reply is not None, "http": http, "jupyter_api": jupyter_api}))
`;
    const { cell } = await sb.run(attack, 60_000);
    const result = JSON.parse(out(cell.outputs).trim().split('\n').at(-1)!);
    expect(result.found).toEqual({});
    expect(result.globs).toEqual([]);
    expect(result.env_leak).toEqual([]);
    expect(result.reply).toBe(false);
    expect(result.http).toBe('blocked');
    // Jupyter listens on a unix socket (mode 0600) outside every kernel's view.
    expect(existsSync(join(dirname(rt), 'jupyter.sock'))).toBe(true);
    expect(result.jupyter_api).toBe('blocked');
    expect(jupyterToken.length).toBeGreaterThan(20);
    expect(JSON.stringify(result)).not.toContain(jupyterToken);
  });

  it('never reaches loopback listeners over TCP or UDP, and sees no canary secret', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const { cell } = await socket.run(`
import socket, os, json
results = {}
try:
    socket.create_connection(('127.0.0.1', ${tcpPort}), timeout=2).close(); results['tcp'] = 'connected'
except Exception as e:
    results['tcp'] = type(e).__name__
try:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(b'x', ('127.0.0.1', ${udpPort})); results['udp'] = 'sent'
except Exception as e:
    results['udp'] = type(e).__name__
results['env'] = ${JSON.stringify(CANARY)} in json.dumps(dict(os.environ))
results['uid'] = os.getuid()
results['caps'] = [l for l in open('/proc/self/status') if l.startswith('CapEff')][0].split()[1]
results['no_new_privs'] = [l for l in open('/proc/self/status') if l.startswith('NoNewPrivs')][0].split()[1]
print(json.dumps(results))
`);
    const result = JSON.parse(out(cell.outputs).trim());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(tcpHits).toBe(0);
    expect(udpHits).toBe(0);
    expect(result.tcp).not.toBe('connected');
    expect(result.env).toBe(false);
    expect(result.uid).not.toBe(0);
    expect(result.caps).toBe('0000000000000000');
    if (process.getuid?.() === 0) expect(result.no_new_privs).toBe('1');
  });

  it('cannot write outside its workspace', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const marker = `escape-${Date.now()}`;
    const { cell } = await socket.run(`
import os, json
results = {}
for target in ['/usr/${marker}', '/etc/${marker}', '/workspace/../${marker}', ${JSON.stringify(join(tb.dataDir, marker))}, '/tmp/${marker}']:
    try:
        open(target, 'w').write('x'); results[target] = 'written'
    except Exception as e:
        results[target] = type(e).__name__
open('inside.txt', 'w').write('ok')
print(json.dumps(results))
`);
    const result = JSON.parse(out(cell.outputs).trim());
    expect(result[`/usr/${marker}`]).not.toBe('written');
    expect(result[`/etc/${marker}`]).not.toBe('written');
    // /tmp is private to the kernel: writing there works but never reaches the host's /tmp.
    await expect(readFile(join(tmpdir(), marker))).rejects.toThrow();
    await expect(readFile(join(tb.dataDir, marker))).rejects.toThrow();
    expect(await readFile(join(tb.dataDir, 'workspaces', id, 'inside.txt'), 'utf8')).toBe('ok');
  });
});

describe('resource limits', () => {
  async function healthMs(): Promise<number> {
    const started = performance.now();
    const response = await tb.api('/api/health', { auth: false });
    expect(response.status).toBe(200);
    return performance.now() - started;
  }

  async function processesOf(uid: number): Promise<number[]> {
    const pids: number[] = [];
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const status = await readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
      if (Number(status.match(/^Uid:\s+(\d+)/m)?.[1] ?? -1) === uid) pids.push(Number(entry));
    }
    return pids;
  }

  it('ends a 4 GB allocation in an error on that cell; the server and other kernels carry on', async () => {
    const other = await tb.createConversation();
    const so = await tb.connect(other.id);
    await so.run('kept = 3');
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    await socket.run('x = 1');
    const { cell } = await socket.run('import numpy as np\nbig = np.ones(4 * 1024**3 // 8)');
    expect(cell.status).toBe('error');
    expect(out(cell.outputs)).toMatch(/MemoryError|Unable to allocate/);
    expect(await healthMs()).toBeLessThan(500);
    const survived = await socket.run('print(x)');
    expect(out(survived.cell.outputs)).toBe('1\n');
    const fine = await so.run('print(kept)');
    expect(out(fine.cell.outputs)).toBe('3\n');
  });

  it('contains a fork bomb: health answers quickly, and a restart leaves no stray processes', async () => {
    // Per-kernel users (whose process cap bites) need root and the sandbox; never fork-bomb a host without them.
    const health = await (await tb.api('/api/health', { auth: false })).json();
    if (process.getuid?.() !== 0 || !health.sandboxed) return;
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    // Each kernel runs as its own user: count that user's processes.
    const uid = Number(out((await socket.run('import os\nprint(os.getuid())')).cell.outputs).trim());
    expect(uid).toBeGreaterThanOrEqual(200_000);
    socket.send({ type: 'run', code: 'import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass' });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const during = await processesOf(uid);
    expect(during.length).toBeGreaterThan(10);
    expect(during.length).toBeLessThanOrEqual(300);
    for (let i = 0; i < 5; i++) expect(await healthMs()).toBeLessThan(500);
    expect((await tb.api(`/api/conversations/${id}`, { method: 'DELETE' })).status).toBe(204);
    const deadline = Date.now() + 15_000;
    let left = await processesOf(uid);
    while (left.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      left = await processesOf(uid);
    }
    expect(left).toEqual([]);
  });
});

describe('uploads', () => {
  it('refuses a 300 MB chunked upload without a Content-Length, and stays healthy', async () => {
    const { id } = await tb.createConversation();
    const url = new URL(`${tb.url}/api/conversations/${id}/files`);
    const boundary = 'talkbookboundary';
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { Authorization: `Bearer ${tb.token}`, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Transfer-Encoding': 'chunked' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', (error) => (/EPIPE|ECONNRESET/.test(String(error)) ? undefined : reject(error)));
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
      const chunk = Buffer.alloc(1024 * 1024, 7);
      let sent = 0;
      const pump = () => {
        while (sent < 300) {
          sent += 1;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end(`\r\n--${boundary}--\r\n`);
      };
      pump();
    });
    expect(status).toBe(413);
    expect((await tb.api('/api/health', { auth: false })).status).toBe(200);
    const files = (await (await tb.api(`/api/conversations/${id}/files`)).json()) as unknown[];
    expect(files).toEqual([]);
  });
});
