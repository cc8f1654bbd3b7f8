import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { killOrphanKernels } from '../../server/jupyter/orphan-kernels.ts';
import { createLogger } from '../../server/log.ts';

it('kills a kernel launcher a stopped Jupyter left behind, and nothing that is not one', async () => {
  const rt = await mkdtemp(join(tmpdir(), 'talkbook-orphans-'));
  const privateDir = join(rt, 'kernel-0a1b.d');
  await mkdir(privateDir);
  // Stands in for bubblewrap: a process whose command line mounts the kernel's private folder.
  const launcher = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '--', '--bind', privateDir, '/run/kernel'], { stdio: 'ignore' });
  await new Promise((resolve) => launcher.once('spawn', resolve));
  const exited = new Promise((resolve) => launcher.once('exit', (_code, signal) => resolve(signal)));
  await writeFile(join(rt, 'kernel-0a1b.launcher.pid'), String(launcher.pid));
  // A pid file naming a process that is not that kernel's launcher (here: the test itself).
  await writeFile(join(rt, 'kernel-ffff.launcher.pid'), String(process.pid));
  await writeFile(join(rt, 'kernel-eeee.launcher.pid'), 'not a pid');

  expect(await killOrphanKernels(rt, createLogger('silent'))).toBe(1);
  expect(await exited).toBe('SIGKILL');
  expect((await readdir(rt)).filter((name) => name.endsWith('.pid'))).toEqual([]);
  await rm(rt, { recursive: true, force: true });
});
