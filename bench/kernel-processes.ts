import { descendants } from '../test/helpers/process-tree.ts';
import type { ServerProcess } from '../test/helpers/server-process.ts';

/** The kernel processes (ipykernel) below the server. */
export async function kernelPids(server: ServerProcess): Promise<number[]> {
  return (await descendants(server.pid)).filter((p) => p.command.includes('ipykernel_launcher') && !p.command.includes('bwrap')).map((p) => p.pid);
}

/** Wait until `count` kernels run below the server, then give them time to answer (the pool is warm). */
export async function kernelsStarted(server: ServerProcess, count: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await kernelPids(server)).length < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} kernels started within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 2000));
}
