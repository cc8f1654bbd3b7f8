import { statfs } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Output } from '../../server/protocol/index.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';

/**
 * A kernel's limits hold for all of its processes and its RAM-backed folders together, and a
 * cell says which limit it hit. Small sizes keep this quick: 512 MB of memory per kernel, a
 * 16 MB /tmp, and a 100 MB workspace quota.
 */
const MEMORY_MB = 512;
const WORKSPACE_MB = 100;
let tb: TestTalkbook;
let contained = false;

beforeAll(async () => {
  tb = await startTestTalkbook({
    TALKBOOK_KERNEL_MEMORY_MB: String(MEMORY_MB),
    TALKBOOK_KERNEL_TMP_MB: '16',
    TALKBOOK_WORKSPACE_MB: String(WORKSPACE_MB),
    TALKBOOK_KERNEL_POOL: '1',
  });
  let health = await (await tb.api('/api/health', { auth: false })).json();
  for (let tries = 0; health.status !== 'ok' && tries < 100; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    health = await (await tb.api('/api/health', { auth: false })).json();
  }
  // Memory cgroups need root and the sandbox: never push an unsandboxed host out of memory.
  contained = process.getuid?.() === 0 && health.sandboxed === true;
});
afterAll(async () => {
  await tb?.close();
});

const text = (outputs: Output[]) =>
  outputs.map((o) => (o.output_type === 'stream' ? o.text : o.output_type === 'error' ? `${o.ename}: ${o.evalue}\n` : '')).join('');

// The kernel's reclaim before an OOM kill takes seconds, more on a busy machine: these get 120 s.
/** Python for `count` child processes that each hold `mb` MB of touched memory for a while. */
const children = (count: number, mb: number) => `
import subprocess, sys
hog = "b = bytearray(${mb} * 1024 * 1024)\\nfor i in range(0, len(b), 4096): b[i] = 1\\nimport time; time.sleep(3)"
procs = [subprocess.Popen([sys.executable, '-c', hog]) for _ in range(${count})]
`;

describe('memory', () => {
  it('counts the children of a cell together: over the cap they are killed, and the cell says out of memory', async (context) => {
    if (!contained) {
      context.skip();
      return;
    }
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    await socket.run('kept = 42');
    // 3 × 220 MB: each child is well under the cap (and its address-space limit), together they are not.
    const { cell } = await socket.run(`${children(3, 220)}print(sorted(p.wait() for p in procs))`, 60_000);
    const said = text(cell.outputs);
    expect(said).toMatch(/-9/);
    expect(said).toContain(`killed: out of memory at ${MEMORY_MB} MB (TALKBOOK_KERNEL_MEMORY_MB)`);
    // The kernel itself lived on.
    expect(text((await socket.run('print(kept)')).cell.outputs)).toBe('42\n');
  }, 120_000);

  it('says the kernel was killed for running out of memory when the OOM killer takes the kernel', async (context) => {
    if (!contained) {
      context.skip();
      return;
    }
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    await socket.run('kept = 42');
    // The kernel volunteers as the OOM killer's victim, then its children fill the cap.
    const code = `${children(3, 220)}open('/proc/self/oom_score_adj', 'w').write('1000')\nfor p in procs: p.wait()`;
    const { cell } = await socket.run(code, 60_000);
    expect(cell.status).toBe('error');
    expect(cell.failure).toContain(`The kernel was killed: out of memory at ${MEMORY_MB} MB (TALKBOOK_KERNEL_MEMORY_MB)`);
    // The kernel's checkpoint (saved after kept = 42) brings it back in the fresh kernel.
    expect(text((await socket.run('print("kept" in globals())', 60_000)).cell.outputs)).toBe('True\n');
  }, 120_000);

  it('has a /tmp and a /dev/shm of their own, of a fixed size, that never touch the host\'s', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const hostShm = async () => {
      const stats = await statfs('/dev/shm');
      return (stats.blocks - stats.bfree) * stats.bsize;
    };
    const before = await hostShm();
    const { cell } = await socket.run(`
import errno, json
result = {}
for path in ['/tmp/fill', '/dev/shm/fill']:
    try:
        with open(path, 'wb') as f:
            for _ in range(96):
                f.write(b'x' * 1024 * 1024)
        result[path] = 'written'
    except OSError as e:
        result[path] = errno.errorcode[e.errno]
print(json.dumps(result))
`);
    const during = await hostShm();
    await socket.run("import os\nfor p in ['/tmp/fill', '/dev/shm/fill']:\n    os.path.exists(p) and os.remove(p)");
    // IPython's history (a SQLite file in /tmp) may complain on stderr that the disk is full: read the JSON line.
    const line = text(cell.outputs).split('\n').find((candidate) => candidate.startsWith('{'));
    expect(JSON.parse(line ?? 'null')).toEqual({ '/tmp/fill': 'ENOSPC', '/dev/shm/fill': 'ENOSPC' });
    // The kernel's /dev/shm held 64 MB while this was measured; the host's did not grow by it.
    expect(during - before).toBeLessThan(16 * 1024 * 1024);
    // Still a working kernel (and multiprocessing's semaphores in /dev/shm work).
    expect(text((await socket.run('import multiprocessing\nmultiprocessing.Lock()\nprint("ok")')).cell.outputs)).toBe('ok\n');
  });
});

describe('the workspace quota', () => {
  it('stops a file bigger than the quota, and says when the workspace is over it; uploads are refused then', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const big = await socket.run(`
import errno, os
try:
    with open('huge.bin', 'wb') as f:
        for _ in range(${WORKSPACE_MB + 10}):
            f.write(b'x' * 1024 * 1024)
    print('written')
except OSError as e:
    print(errno.errorcode[e.errno])
print(os.path.getsize('huge.bin') // 1024 // 1024)
os.remove('huge.bin')
`);
    expect(text(big.cell.outputs)).toBe(`EFBIG\n${WORKSPACE_MB}\n`);

    const many = await socket.run(`
for n in range(3):
    with open(f'part-{n}.bin', 'wb') as f:
        f.write(b'x' * ${Math.ceil((WORKSPACE_MB * 0.4))} * 1024 * 1024)
`);
    expect(text(many.cell.outputs)).toMatch(/The workspace holds 1\d\d\.\d MB, over its quota of 100 MB \(TALKBOOK_WORKSPACE_MB\)/);
    const form = new FormData();
    form.append('file', new Blob(['one more']), 'more.txt');
    const refused = await tb.api(`/api/conversations/${id}/files`, { method: 'POST', body: form });
    expect(refused.status).toBe(507);
    expect((await refused.json()).error).toMatch(/The workspace is full.*quota of 100 MB \(TALKBOOK_WORKSPACE_MB\)/);

    await socket.run("import os\nfor n in range(3): os.remove(f'part-{n}.bin')");
    const again = new FormData();
    again.append('file', new Blob(['one more']), 'more.txt');
    expect((await tb.api(`/api/conversations/${id}/files`, { method: 'POST', body: again })).status).toBe(201);
  });
});
