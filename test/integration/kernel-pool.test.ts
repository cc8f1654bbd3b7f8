import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import { streamText as text } from '../helpers/outputs.ts';

/** The warm kernel pool (TALKBOOK_KERNEL_POOL): started kernels waiting for new conversations. */
let tb: TestTalkbook;
beforeAll(async () => {
  tb = await startTestTalkbook({ TALKBOOK_KERNEL_POOL: '2' });
});
afterAll(async () => {
  await tb?.close();
});


async function poolHolds(count: number, kernelName = 'python3', timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (tb.instance.kernelPool.size(kernelName) < count) {
    if (Date.now() > deadline) throw new Error(`the pool did not reach ${count} ${kernelName} kernels`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Seconds since the kernel process started (from /proc, inside the sandbox). */
const kernelAge = [
  'import os',
  "_start = int(open('/proc/self/stat').read().rsplit(')', 1)[1].split()[19]) / os.sysconf('SC_CLK_TCK')",
  "print(float(open('/proc/uptime').read().split()[0]) - _start)",
].join('\n');

describe('the kernel pool', () => {
  it('gives a new conversation a kernel started before it, in its own workspace, with fresh state', async () => {
    await poolHolds(2);
    const before = performance.now();
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);

    // Nothing ran in the kernel before the conversation's own first cell.
    const first = await socket.run("print(len(In), [k for k in globals() if not k.startswith('_') and k not in ('In', 'Out', 'get_ipython', 'exit', 'quit', 'open')])");
    expect(first.cell.executionCount).toBe(1);
    expect(text(first.cell.outputs)).toBe('2 []\n');

    const age = await socket.run(kernelAge);
    const sinceCreate = (performance.now() - before) / 1000;
    expect(Number(text(age.cell.outputs))).toBeGreaterThan(sinceCreate);

    const marker = await socket.run("open('pool-marker.txt', 'w').write('mine')");
    expect(marker.cell.status).toBe('ok');
    expect(existsSync(join(tb.dataDir, 'workspaces', id, 'pool-marker.txt'))).toBe(true);
  });

  it('never gives two conversations the same kernel, and refills behind them', async () => {
    await poolHolds(2);
    // More conversations at once than the pool holds: two warm kernels, one started on first use.
    const created = await Promise.all([0, 1, 2].map(() => tb.createConversation()));
    const ids = created.map((c) => c.id);
    expect(new Set(ids).size).toBe(3);
    const sockets = await Promise.all(ids.map((id) => tb.connect(id)));
    for (const [i, socket] of sockets.entries()) {
      const { cell } = await socket.run(`owner = ${JSON.stringify(ids[i])}\nopen(owner + '.txt', 'w').write('x')`);
      expect(cell.status).toBe('ok');
      expect(cell.executionCount).toBe(1);
    }
    for (const [i, socket] of sockets.entries()) {
      const { cell } = await socket.run('print(owner)');
      expect(text(cell.outputs)).toBe(`${ids[i]}\n`);
      expect(readdirSync(join(tb.dataDir, 'workspaces', ids[i]!))).toEqual([`${ids[i]}.txt`]);
    }
    await poolHolds(2);
  });

  it('starts each conversation on the kernel spec it asked for', async () => {
    const specs = (await (await tb.api('/api/kernelspecs')).json()) as { kernelspecs: Array<{ name: string }> };
    const other = specs.kernelspecs.find((spec) => spec.name !== 'python3');
    if (!other) return;
    // The first conversation of another spec warms that spec too.
    const first = await tb.createConversation({ kernel: other.name });
    expect(first.kernel).toBe(other.name);
    await poolHolds(1, other.name, 60_000);
    const { id, kernel } = await tb.createConversation({ kernel: other.name });
    expect(kernel).toBe(other.name);
    const socket = await tb.connect(id);
    const code = other.name === 'ir' ? 'cat(R.version$language, "\\n")' : '1';
    const { cell } = await socket.run(code);
    expect(cell.status).toBe('ok');
    if (other.name === 'ir') expect(text(cell.outputs)).toBe('R \n');
    const python = await tb.createConversation();
    const ps = await tb.connect(python.id);
    const { cell: py } = await ps.run('import sys; print(sys.version_info[0])');
    expect(text(py.outputs)).toBe('3\n');
  });

  it('drops its kernels when the Jupyter server restarts, and fills again with live ones', async () => {
    await poolHolds(2);
    const pid = tb.instance.jupyterPid!;
    process.kill(pid, 'SIGKILL');
    const deadline = Date.now() + 45_000;
    while (tb.instance.jupyterPid === pid || (await tb.api('/api/health', { auth: false })).status !== 200) {
      if (Date.now() > deadline) throw new Error('Jupyter did not come back');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await poolHolds(2);
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const { cell } = await socket.run('print("alive")');
    expect(text(cell.outputs)).toBe('alive\n');
    expect(cell.executionCount).toBe(1);
  });
});

describe('a server without a pool', () => {
  it('still starts kernels on first use', async () => {
    const cold = await startTestTalkbook({ TALKBOOK_KERNEL_POOL: '0' });
    try {
      expect(cold.instance.kernelPool.size('python3')).toBe(0);
      const { id } = await cold.createConversation();
      const socket = await cold.connect(id);
      const { cell } = await socket.run('print(1)');
      expect(text(cell.outputs)).toBe('1\n');
      expect(cold.instance.kernelPool.size('python3')).toBe(0);
    } finally {
      await cold.close();
    }
  });
});
