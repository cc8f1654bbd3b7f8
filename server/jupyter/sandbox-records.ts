import { readdir, readFile, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * What the sandbox launcher notes about each kernel in Jupyter's runtime folder (root only, never
 * inside a sandbox): `kernel-<id>.sandbox` (its cgroups, and its memory cgroup's OOM-kill count
 * when the kernel id first started) and `kernel-<id>.exit` (bubblewrap's status lines, the last
 * `{ "exit-code": n }` once the kernel ended). Jupyter's kernel manager removes both, and the
 * kernel's cgroups, when it cleans up after a kernel; what a dead Jupyter left is removed here.
 */
const sandboxRecord = z.object({
  memoryMb: z.number().int().positive(),
  groups: z.array(z.string().startsWith('/sys/fs/cgroup/')),
  memoryEvents: z.string().startsWith('/sys/fs/cgroup/').nullable(),
  oomKillsAtStart: z.number().int().min(0),
});
export type SandboxRecord = z.infer<typeof sandboxRecord>;

export async function readSandboxRecord(runtimeDir: string, kernelId: string): Promise<SandboxRecord | undefined> {
  return readRecord(join(runtimeDir, `kernel-${kernelId}.sandbox`));
}

async function readRecord(path: string): Promise<SandboxRecord | undefined> {
  try {
    const parsed = sandboxRecord.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Remove the cgroups (and records) of every kernel of a runtime folder whose processes are all
 * gone: call it once Jupyter and its kernels are dead. A group still busy after `waitMs` stays,
 * with its record. Returns how many groups were removed.
 */
export async function removeKernelCgroups(runtimeDir: string, waitMs = 2000): Promise<number> {
  const names = (await readdir(runtimeDir).catch(() => [] as string[])).filter((name) => /^kernel-[0-9a-f-]+\.sandbox$/.test(name));
  let removed = 0;
  const deadline = Date.now() + waitMs;
  for (const name of names) {
    const record = await readRecord(join(runtimeDir, name));
    let left = record?.groups ?? [];
    for (;;) {
      const busy: string[] = [];
      for (const group of left) {
        try {
          await rmdir(group);
          removed += 1;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') busy.push(group);
        }
      }
      left = busy;
      if (!left.length || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (left.length) continue;
    const base = join(runtimeDir, name.slice(0, -'.sandbox'.length));
    await Promise.all([unlink(`${base}.sandbox`).catch(() => undefined), unlink(`${base}.exit`).catch(() => undefined)]);
  }
  return removed;
}
