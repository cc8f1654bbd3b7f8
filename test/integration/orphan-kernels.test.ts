import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { killOrphanKernels } from '../../server/jupyter/orphan-kernels.ts';
import { sweepDeadRuntimes, writeRuntimeOwner } from '../../server/jupyter/runtime-owner.ts';
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

/** Stands in for a Jupyter server: a process whose command line names its runtime folder's socket. */
async function jupyter(runtimeDir: string): Promise<{ process: ChildProcess; ended: Promise<NodeJS.Signals | null> }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '--', `--ServerApp.sock=${join(runtimeDir, 'jupyter.sock')}`], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('spawn', resolve));
  return { process: child, ended: new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal))) };
}

it('a starting server sweeps the runtime folders of servers that died, and no other', async () => {
  const parent = await mkdtemp(join(tmpdir(), 'talkbook-runtimes-'));
  const log = createLogger('silent');
  const folder = async (name: string) => {
    const dir = join(parent, name);
    await mkdir(join(dir, 'rt'), { recursive: true });
    return dir;
  };
  const own = await folder('tb-own');
  const live = await folder('tb-live');
  const dead = await folder('tb-dead');
  const reused = await folder('tb-reused');
  const unowned = await folder('tb-unowned');
  await writeRuntimeOwner(live);
  const gone = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => gone.once('exit', resolve));
  await writeFile(join(dead, 'owner.json'), JSON.stringify({ pid: gone.pid, startTime: '1' }));
  // Our own pid, but not our start time: the owner died and its pid went to someone else.
  await writeFile(join(reused, 'owner.json'), JSON.stringify({ pid: process.pid, startTime: '1' }));
  const processes = {
    live: [await jupyter(live), await sandbox(join(live, 'rt', 'kernel-1.d'))],
    dead: [await jupyter(dead), await sandbox(join(dead, 'rt', 'kernel-1.d'))],
    reused: [await sandbox(join(reused, 'rt', 'kernel-2.d'))],
    unowned: [await sandbox(join(unowned, 'rt', 'kernel-3.d'))],
  };
  try {
    expect((await sweepDeadRuntimes(own, log)).sort()).toEqual([dead, reused]);
    for (const swept of [...processes.dead, ...processes.reused]) expect(await swept.ended).toBe('SIGKILL');
    for (const kept of [...processes.live, ...processes.unowned]) expect(kept.process.exitCode ?? kept.process.signalCode).toBeNull();
    expect(existsSync(dead) || existsSync(reused)).toBe(false);
    expect(existsSync(live) && existsSync(unowned) && existsSync(own)).toBe(true);
  } finally {
    for (const { process: child } of Object.values(processes).flat()) child.kill('SIGKILL');
    await rm(parent, { recursive: true, force: true });
  }
});
