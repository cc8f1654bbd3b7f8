import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../log.ts';
import { killOrphanKernels } from './orphan-kernels.ts';

/**
 * Each embedded Jupyter's runtime folder (`<tmp>/tb-…`) names the Talkbook server that owns it
 * (`owner.json`: its pid and the pid's start time, so a reused pid is not mistaken for it). A
 * server that died without stopping (kill -9, a crash, the OOM killer) left the folder; its
 * Jupyter and kernels die with it (parent-death signals), and whatever still runs is swept when
 * the next server starts.
 */
const ownerFile = z.object({ pid: z.number().int().positive(), startTime: z.string() });

export async function writeRuntimeOwner(runtimeDir: string): Promise<void> {
  const startTime = await processStartTime(process.pid);
  await writeFile(join(runtimeDir, 'owner.json'), JSON.stringify({ pid: process.pid, startTime: startTime ?? '' }), { mode: 0o600 });
}

/**
 * Sweep the runtime folders beside `ownRuntimeDir` whose owner is gone: kill their Jupyter (found
 * by its socket path in its command line) and kernel sandboxes, remove the kernels' cgroups and
 * the folder. Folders without an owner file (being made right now, or by an older Talkbook) are
 * left alone. Returns the folders swept.
 */
export async function sweepDeadRuntimes(ownRuntimeDir: string, log: Logger): Promise<string[]> {
  const parent = dirname(ownRuntimeDir);
  const swept: string[] = [];
  if ((await processStartTime(process.pid)) === undefined) return swept; // no /proc: cannot tell who is alive
  for (const name of await readdir(parent).catch(() => [] as string[])) {
    const dir = join(parent, name);
    if (!name.startsWith('tb-') || dir === ownRuntimeDir || !(await ownerIsDead(dir))) continue;
    const killed = await killJupyterOf(dir);
    const kernels = await killOrphanKernels({ runtimeDir: join(dir, 'rt'), log });
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    log.warn(`swept the runtime folder ${basename(dir)} of a Talkbook server that died (${killed + kernels} process${killed + kernels === 1 ? '' : 'es'} killed)`);
    swept.push(dir);
  }
  return swept;
}

async function ownerIsDead(dir: string): Promise<boolean> {
  let owner;
  try {
    owner = ownerFile.parse(JSON.parse(await readFile(join(dir, 'owner.json'), 'utf8')));
  } catch {
    return false; // no (readable) owner file: not ours to judge
  }
  const startTime = await processStartTime(owner.pid);
  return startTime === undefined || startTime !== owner.startTime;
}

/** The Jupyter server of a runtime folder: the process listening on `<dir>/jupyter.sock`. */
async function killJupyterOf(dir: string): Promise<number> {
  const flag = `--ServerApp.sock=${join(dir, 'jupyter.sock')}`;
  let killed = 0;
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (!argv.includes(flag)) continue;
    try {
      process.kill(Number(entry), 'SIGKILL');
      killed += 1;
    } catch {
      // gone meanwhile
    }
  }
  return killed;
}

/** Field 22 of /proc/<pid>/stat (clock ticks after boot), or undefined when there is no such live process. */
async function processStartTime(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z') return undefined;
  return fields[19];
}
