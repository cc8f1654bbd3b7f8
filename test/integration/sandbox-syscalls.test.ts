import { arch } from 'node:os';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Output } from '../../server/protocol/index.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';

/**
 * The seccomp filter: kernel interfaces analysis code never needs are refused with EPERM (the
 * kernel lives on), and ordinary work is unaffected. The probes run in a child process of the
 * cell (filters are inherited) with arguments that succeed, or fail with another errno, where no
 * filter stands in the way: io_uring and userfaultfd and keys work for unprivileged users on a
 * stock kernel, a new user namespace too, and the mount calls get ENOENT for a missing path
 * before any privilege check.
 */
let tb: TestTalkbook;
beforeAll(async () => {
  tb = await startTestTalkbook({ TALKBOOK_KERNEL_POOL: '1' });
});
afterAll(async () => {
  await tb?.close();
});

const text = (outputs: Output[]) =>
  outputs.map((o) => (o.output_type === 'stream' ? o.text : o.output_type === 'error' ? `${o.ename}: ${o.evalue}\n` : '')).join('');

/** x86-64 syscall numbers; each probe returns the raw result and errno. */
const PROBE = String.raw`
import ctypes, errno, json, os, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
def call(nr, *args):
    ctypes.set_errno(0)
    result = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) if isinstance(a, int) else a for a in args])
    return 'ok' if result >= 0 else errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))
def fork_call(nr, *args):
    # clone() with a namespace flag: a child that would exit at once
    ctypes.set_errno(0)
    pid = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) for a in args])
    if pid == 0:
        os._exit(0)
    if pid > 0:
        os.waitpid(pid, 0)
        return 'ok'
    return errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))
params = ctypes.create_string_buffer(120)
attr = ctypes.create_string_buffer(128)
ctypes.memmove(attr, (1).to_bytes(4, 'little') + (128).to_bytes(4, 'little'), 8)   # PERF_TYPE_SOFTWARE, size
ctypes.memmove(ctypes.byref(attr, 40), (1 << 5).to_bytes(8, 'little'), 8)           # exclude_kernel
missing = b'/nonexistent-talkbook-probe'
result = {
    'io_uring_setup': call(425, 4, params),
    'io_uring_enter': call(426, -1, 0, 0, 0, None, 0),
    'io_uring_register': call(427, -1, 0, None, 0),
    'userfaultfd': call(323, 1 | os.O_CLOEXEC),   # UFFD_USER_MODE_ONLY
    'bpf': call(321, 0, None, 0),
    'perf_event_open': call(298, attr, 0, -1, -1, 0),
    'keyctl': call(250, 0, -2, 1),                 # KEYCTL_GET_KEYRING_ID, the process keyring, create
    'add_key': call(248, b'user', b'talkbook-probe', b'x', 1, -2),
    'request_key': call(249, b'user', b'talkbook-probe-missing', None, 0),
    'mount': call(165, b'none', missing, b'tmpfs', 0, None),
    'umount2': call(166, missing, 0),
    'open_tree': call(428, -100, missing, 0),
    'mount_setattr': call(442, -1, b'', 0x1000, None, 0),
    'fsopen': call(430, b'tmpfs', 0),
    'setns': call(308, -1, 0),
    'unshare(CLONE_NEWUSER)': call(272, 0x10000000),
    'unshare(CLONE_NEWNS|CLONE_NEWUSER)': call(272, 0x10000000 | 0x00020000),
    'clone(CLONE_NEWUSER)': fork_call(56, 0x10000000 | signal.SIGCHLD, 0, 0, 0, 0),
    'clone3': call(435, None, 0),
}
result['seccomp'] = [l.split()[1] for l in open('/proc/self/status') if l.startswith('Seccomp:')][0]
print(json.dumps(result))
`;

it.runIf(arch() === 'x64')('refuses io_uring, userfaultfd, bpf, perf, keys, mounts and new namespaces with EPERM', async () => {
  const { id } = await tb.createConversation();
  const socket = await tb.connect(id);
  const { cell } = await socket.run(`import subprocess, sys\nprint(subprocess.run([sys.executable, '-c', ${JSON.stringify(PROBE)}], capture_output=True, text=True).stdout)`);
  const result = JSON.parse(text(cell.outputs)) as Record<string, string>;
  const { clone3, seccomp, ...denied } = result;
  expect(seccomp).toBe('2');
  expect(Object.entries(denied).filter(([, outcome]) => outcome !== 'EPERM')).toEqual([]);
  // clone3's flags cannot be filtered: it is "not implemented", so glibc uses clone.
  expect(clone3).toBe('ENOSYS');
  // The kernel itself is fine.
  expect(text((await socket.run('print(6 * 7)')).cell.outputs)).toBe('42\n');
});

it('leaves ordinary work alone: numpy, pandas, matplotlib, subprocesses, threads, multiprocessing', async () => {
  const { id } = await tb.createConversation();
  const socket = await tb.connect(id);
  const { cell } = await socket.run(`
import numpy as np, pandas as pd, matplotlib.pyplot as plt, subprocess, threading, multiprocessing
from concurrent.futures import ThreadPoolExecutor
frame = pd.DataFrame({'x': np.arange(10), 'y': np.arange(10) ** 2})
plt.plot(frame.x, frame.y); plt.savefig('/tmp/plot.png')
with ThreadPoolExecutor(4) as pool:
    squares = list(pool.map(lambda n: n * n, range(8)))
with multiprocessing.Pool(2) as workers:
    doubled = workers.map(abs, [-1, -2, -3])
shell = subprocess.run(['sh', '-c', 'echo from the shell'], capture_output=True, text=True).stdout.strip()
print(int(frame.y.sum()), sum(squares), doubled, shell, threading.active_count() >= 1)
`, 90_000);
  expect(text(cell.outputs)).toBe('285 140 [1, 2, 3] from the shell True\n');
});
