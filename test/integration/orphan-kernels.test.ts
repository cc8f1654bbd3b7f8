import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { killOrphanKernels } from '../../server/jupyter/orphan-kernels.ts';
import { createLogger } from '../../server/log.ts';

/** Stands in for bubblewrap: a process whose command line mounts a kernel's private folder. */
async function sandbox(privateDir: string): Promise<{ process: ChildProcess; ended: Promise<NodeJS.Signals | null> }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '--', '--bind', privateDir, '/run/kernel'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('spawn', resolve));
  return { process: child, ended: new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal))) };
}

it('kills the kernel sandboxes of one runtime folder that Jupyter lost, and nothing else', async () => {
  const rt = await mkdtemp(join(tmpdir(), 'talkbook-orphans-'));
  const other = await mkdtemp(join(tmpdir(), 'talkbook-orphans-'));
  const log = createLogger('silent');
  const mine = await sandbox(join(rt, 'kernel-0a1b.d'));
  const elsewhere = await sandbox(join(other, 'kernel-0a1b.d'));
  try {
    // While "Jupyter" (here: this process, their parent) runs, its own sandboxes stay.
    expect(await killOrphanKernels({ runtimeDir: rt, jupyterPid: process.pid, log })).toBe(0);
    // Below something else, they are lost: killed. Another runtime folder's are never touched.
    expect(await killOrphanKernels({ runtimeDir: rt, jupyterPid: process.pid + 1_000_000, log })).toBe(1);
    expect(await mine.ended).toBe('SIGKILL');
    expect(elsewhere.process.exitCode).toBeNull();
    expect(elsewhere.process.signalCode).toBeNull();
    // Once Jupyter has stopped, every sandbox of its runtime folder goes.
    const later = await sandbox(join(rt, 'kernel-2c3d.d'));
    expect(await killOrphanKernels({ runtimeDir: rt, log })).toBe(1);
    expect(await later.ended).toBe('SIGKILL');
  } finally {
    elsewhere.process.kill('SIGKILL');
    await rm(rt, { recursive: true, force: true });
    await rm(other, { recursive: true, force: true });
  }
});
