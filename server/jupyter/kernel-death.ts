import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readSandboxRecord } from './sandbox-records.ts';

/** bubblewrap exits with 128 + the signal that ended the kernel; the OOM killer sends SIGKILL. */
const KILLED = 128 + 9;

/**
 * Why the kernel `kernelId` of this runtime folder died, when its sandbox can tell: it was
 * SIGKILLed and its memory cgroup's OOM killer has killed since it started. `undefined`
 * otherwise (no record, no memory cgroup, another cause), for the caller's generic message.
 */
export async function kernelDeathReason(runtimeDir: string, kernelId: string): Promise<string | undefined> {
  if (!/^[0-9a-f-]{8,64}$/.test(kernelId)) return undefined;
  const record = await readSandboxRecord(runtimeDir, kernelId);
  if (!record?.memoryEvents) return undefined;
  const exit = await readFile(join(runtimeDir, `kernel-${kernelId}.exit`), 'utf8').catch(() => '');
  if (lastExitCode(exit) !== KILLED) return undefined;
  const events = await readFile(record.memoryEvents, 'utf8').catch(() => '');
  if (oomKills(events) <= record.oomKillsAtStart) return undefined;
  return `The kernel was killed: out of memory at ${record.memoryMb} MB (TALKBOOK_KERNEL_MEMORY_MB); its variables are gone.`;
}

/** `oom_kill N` of a v1 `memory.oom_control` or a v2 `memory.events`. */
export function oomKills(events: string): number {
  const match = /^oom_kill (\d+)$/m.exec(events);
  return match ? Number(match[1]) : 0;
}

function lastExitCode(status: string): number | undefined {
  let code: number | undefined;
  for (const line of status.split('\n')) {
    const match = /"exit-code":\s*(\d+)/.exec(line);
    if (match) code = Number(match[1]);
  }
  return code;
}
