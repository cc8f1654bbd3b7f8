import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import { streamText as text } from '../helpers/outputs.ts';


/** Running (a zombie waiting to be reaped has died already). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function until(test: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a server restart', () => {
  let tb: TestTalkbook;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'talkbook-restart-'));
    // Without checkpoints: what a restart loses (test/integration/checkpoint-flow.test.ts has them on).
    tb = await startTestTalkbook({ TALKBOOK_DATA_DIR: dataDir, TALKBOOK_CHECKPOINT_MB: '0', TALKBOOK_AUTO_RESTORE: '0' });
  });
  afterAll(async () => {
    await tb?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps history, says kernel state is gone, and continues on a fresh kernel', async () => {
    const { id } = await tb.createConversation({ title: 'Keep me' });
    const socket = await tb.connect(id);
    await socket.run('x = 5\nprint("five")');
    const before = await (await tb.api(`/api/conversations/${id}`)).json();
    await tb.restart();

    const after = await (await tb.api(`/api/conversations/${id}`)).json();
    expect(after.title).toBe('Keep me');
    expect(after.cells).toEqual(before.cells);
    expect(after.seq).toBeGreaterThanOrEqual(before.seq);

    const again = await tb.connect(id, after.seq);
    const { cell, frames } = await again.run('print("x" in globals())');
    expect(text(cell.outputs)).toBe('False\n');
    expect(frames.every((f) => f.seq > after.seq)).toBe(true);
    const notice = frames.find((f) => f.type === 'cell' && f.cell.kind === 'notice');
    expect(notice && notice.type === 'cell' && notice.cell.kind === 'notice' && notice.cell.text).toMatch(/ran in an earlier kernel/);
  });

  it('skips a corrupt conversation file and loads the others', async () => {
    const good = await tb.createConversation({ title: 'Fine' });
    await mkdir(join(dataDir, 'conversations'), { recursive: true });
    await writeFile(join(dataDir, 'conversations', `${'f'.repeat(32)}.json`), '{"version": 1, "id": trunc');
    await tb.restart();
    const list = await tb.list();
    expect(list.map((c) => c.id)).toContain(good.id);
    expect(list.map((c) => c.id)).not.toContain('f'.repeat(32));
  });
});

describe('the embedded Jupyter server', () => {
  let tb: TestTalkbook;
  beforeAll(async () => {
    tb = await startTestTalkbook({ TALKBOOK_CHECKPOINT_MB: '0', TALKBOOK_AUTO_RESTORE: '0' });
  });
  afterAll(async () => {
    await tb?.close();
  });

  it('is restarted when it dies, its kernels die with it, and conversations carry on', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    await socket.run('y = 1');
    const r = await tb.createConversation({ kernel: 'ir' });
    await (await tb.connect(r.id)).run('z <- 1');
    const pid = tb.instance.jupyterPid!;
    // Every kernel process (launcher, bubblewrap, Python, R) below this Jupyter server.
    const kernels = await descendantPids(pid);
    expect(kernels.length).toBeGreaterThanOrEqual(4);
    process.kill(pid, 'SIGKILL');
    await until(() => kernels.every((kernel) => !alive(kernel)), 10_000);
    await until(async () => tb.instance.jupyterPid !== pid && (await tb.api('/api/health', { auth: false })).status === 200, 30_000);
    await socket.waitFor((f) => f.type === 'cell' && f.cell.kind === 'notice' && /Jupyter server restarted/.test(f.cell.text));
    const { cell } = await socket.run('print("y" in globals())');
    expect(text(cell.outputs)).toBe('False\n');
  });
});

describe('npm start', () => {
  it('prints a login link, and SIGINT shuts down Jupyter and every kernel', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'talkbook-start-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
      env: { PATH: process.env.PATH, PORT: '0', TALKBOOK_DATA_DIR: dataDir, TALKBOOK_LOG: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    // No TALKBOOK_TOKEN: the first start prints the admin's one-time sign-in link.
    await until(() => /http:\/\/127\.0\.0\.1:\d+\/\?signin=\S+/.test(out), 30_000);
    const link = out.match(/http:\/\/127\.0\.0\.1:\d+\/\?signin=\S+/)![0];
    const url = new URL(link);
    const signedIn = await fetch(link, { redirect: 'manual' });
    expect(signedIn.status).toBe(302);
    const cookieValue = (name: string) => signedIn.headers.getSetCookie().find((line) => line.startsWith(`${name}=`))!.split(';')[0]!;
    const cookie = `${cookieValue('talkbook_session')}; ${cookieValue('talkbook_csrf')}`;
    const csrf = cookieValue('talkbook_csrf').split('=')[1]!;
    const headers = { Cookie: cookie, Origin: url.origin, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' };
    const created = await (await fetch(`${url.origin}/api/conversations`, { method: 'POST', headers, body: '{}' })).json();
    const { TestSocket } = await import('../helpers/test-socket.ts');
    const socket = await TestSocket.open(`ws://${url.host}/api/conversations/${created.id}/ws?after=0`, { Cookie: cookie, Origin: url.origin });
    const { cell } = await socket.run('print("kernel up")');
    expect(text(cell.outputs)).toBe('kernel up\n');
    // Jupyter, the kernel launcher, bubblewrap and the kernel: every process below Talkbook.
    const descendants = await descendantPids(child.pid!);
    expect(descendants.length).toBeGreaterThanOrEqual(2);

    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    await until(() => descendants.every((pid) => !alive(pid)), 10_000);
    await rm(dataDir, { recursive: true, force: true });
  });
});

describe('a server killed with SIGKILL', () => {
  it('takes its Jupyter and every kernel with it, and the next server sweeps its runtime folder', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'talkbook-killed-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
      env: { PATH: process.env.PATH, PORT: '0', TALKBOOK_DATA_DIR: dataDir, TALKBOOK_LOG: 'warn', TALKBOOK_TOKEN: 'killed-token-0123456789' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    try {
      await until(() => /http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(out), 30_000);
      const origin = new URL(out.match(/http:\/\/127\.0\.0\.1:\d+/)![0]).origin;
      const headers = { Authorization: 'Bearer killed-token-0123456789', 'Content-Type': 'application/json' };
      const { TestSocket } = await import('../helpers/test-socket.ts');
      for (const kernel of ['python3', 'ir']) {
        const created = await (await fetch(`${origin}/api/conversations`, { method: 'POST', headers, body: JSON.stringify({ kernel }) })).json();
        const socket = await TestSocket.open(`${origin.replace('http', 'ws')}/api/conversations/${created.id}/ws?token=killed-token-0123456789&after=0`);
        await socket.run(kernel === 'ir' ? 'x <- 1' : 'x = 1');
        await socket.close();
      }
      // Jupyter, and for each kernel its launcher-turned-bubblewrap, bubblewrap's init and the kernel.
      const descendants = await descendantPids(child.pid!);
      expect(descendants.length).toBeGreaterThanOrEqual(7);
      const runtimeDir = await runtimeDirOf(descendants);

      child.kill('SIGKILL');
      await until(() => descendants.every((pid) => !alive(pid)), 5_000);
      // A kernel launcher Jupyter had just started sees that Jupyter is gone and exits too.
      await until(async () => (await processesMentioning(runtimeDir)).length === 0, 5_000);

      // The next server to start sweeps what the dead one left.
      const next = await startTestTalkbook();
      try {
        await expect(readdir(runtimeDir)).rejects.toThrow();
      } finally {
        await next.close();
      }
    } finally {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

/** The runtime folder (`<tmp>/tb-…`) of the Jupyter server among `pids`. */
async function runtimeDirOf(pids: number[]): Promise<string> {
  for (const pid of pids) {
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    const socket = argv.find((arg) => arg.startsWith('--ServerApp.sock='));
    if (socket) return dirname(socket.slice('--ServerApp.sock='.length));
  }
  throw new Error('no Jupyter server among the processes');
}

/** Live processes whose command line mentions `path`. */
async function processesMentioning(path: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(path) && alive(Number(entry))) found.push(Number(entry));
  }
  return found;
}

async function descendantPids(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const found: number[] = [];
  let frontier = [root];
  while (frontier.length) {
    const next = [...parents].filter(([, ppid]) => frontier.includes(ppid)).map(([pid]) => pid);
    found.push(...next);
    frontier = next;
  }
  return found;
}
