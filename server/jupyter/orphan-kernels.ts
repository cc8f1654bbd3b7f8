import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log.ts';

const PID_FILE = /^(kernel-[\w-]+)\.launcher\.pid$/;

/**
 * Kill the sandboxed kernels a Jupyter server left behind when it stopped without shutting them
 * down. The sandbox launcher records its pid next to the kernel's connection file (where the
 * kernel cannot write); a pid is killed only if that process is still the launcher of that
 * kernel: its command line mounts the kernel's private folder. Returns how many were killed.
 */
export async function killOrphanKernels(runtimeDir: string, log: Logger): Promise<number> {
  let names: string[];
  try {
    names = await readdir(runtimeDir);
  } catch {
    return 0;
  }
  let killed = 0;
  for (const name of names) {
    const match = PID_FILE.exec(name);
    if (!match) continue;
    const pidFile = join(runtimeDir, name);
    const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
    const privateDir = join(runtimeDir, `${match[1]}.d`);
    const argv = Number.isInteger(pid) && pid > 1 ? (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0') : [];
    if (argv.includes(privateDir)) {
      try {
        process.kill(pid, 'SIGKILL');
        killed += 1;
      } catch {
        // gone meanwhile
      }
    }
    await rm(pidFile, { force: true });
  }
  if (killed > 0) log.warn(`killed ${killed} kernel${killed === 1 ? '' : 's'} the Jupyter server left running`);
  return killed;
}
