import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log.ts';
import { removeKernelCgroups } from './sandbox-records.ts';

export interface OrphanSweep {
  /** The runtime folder of this Jupyter server (its kernels' private folders are in it). */
  runtimeDir: string;
  /**
   * The Jupyter server's pid while it runs: only sandboxes no longer below it are killed. Without
   * it (Jupyter has stopped) every sandbox of this runtime folder is.
   */
  jupyterPid?: number | undefined;
  log: Logger;
}

/**
 * Kill kernel sandboxes the Jupyter server lost. Killing bubblewrap's outer process (what Jupyter
 * does to a kernel that will not stop) should end its inner one, the kernel's PID-namespace
 * init, and with it the kernel; now and then the inner one lives on, with the kernel or alone.
 * Both bubblewrap processes carry the kernel's private folder (`<runtimeDir>/kernel-<id>.d`) in
 * their command line, and no other process does: that is how they are found. Killing a
 * namespace's init kills everything in it. Without `jupyterPid` the kernels' cgroups are removed
 * too (sandbox-records.ts). Returns how many processes were killed.
 */
export async function killOrphanKernels(sweep: OrphanSweep): Promise<number> {
  const prefix = join(sweep.runtimeDir, 'kernel-');
  const sandboxes = new Map<number, number>(); // pid → parent pid
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (!argv.some((arg) => arg.startsWith(prefix) && arg.endsWith('.d'))) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state && state !== 'Z') sandboxes.set(Number(entry), Number(parent));
  }
  let killed = 0;
  for (const [pid, parent] of sandboxes) {
    const kept = sweep.jupyterPid !== undefined && (parent === sweep.jupyterPid || sandboxes.has(parent));
    if (kept) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed += 1;
    } catch {
      // gone meanwhile
    }
  }
  if (killed > 0) sweep.log.warn(`killed ${killed} kernel sandbox process${killed === 1 ? '' : 'es'} the Jupyter server left behind`);
  // With Jupyter gone, so are all its kernels: their cgroups (and the launcher's notes) go too.
  if (sweep.jupyterPid === undefined) await removeKernelCgroups(sweep.runtimeDir);
  return killed;
}
