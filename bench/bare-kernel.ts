import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { descendants } from '../test/helpers/process-tree.ts';

const root = join(import.meta.dirname, '..');

/** The baseline: bench/bare-kernel.py driving a kernel of Talkbook's spec with jupyter_client. */
export interface BareKernel {
  readonly startMs: number;
  roundTrips(count: number): Promise<number[]>;
  /** One cell printing `lines` lines: milliseconds until the last byte and idle, and characters received. */
  throughput(lines: number): Promise<{ ms: number; chars: number }>;
  /** The kernel process (ipykernel) id. */
  kernelPid(): Promise<number | undefined>;
  close(): Promise<void>;
}

export async function startBareKernel(options: { python?: string } = {}): Promise<BareKernel> {
  const dir = await mkdtemp(join(tmpdir(), 'tbb-'));
  const workspaces = join(dir, 'workspaces');
  const workspace = join(workspaces, 'bench');
  const runtime = join(dir, 'rt');
  await mkdir(workspace, { recursive: true });
  await mkdir(runtime, { mode: 0o700 });
  const sandbox = { enabled: true, network: false, memoryMb: 2048, maxProcs: 256, workspaceRoot: workspaces };
  const child: ChildProcess = spawn(options.python ?? '/usr/bin/python3', [join(root, 'bench', 'bare-kernel.py'), join(root, 'kernel-config'), workspace, runtime], {
    cwd: workspace,
    env: { PATH: process.env.PATH, HOME: dir, PYTHONUNBUFFERED: '1', TALKBOOK_SANDBOX: JSON.stringify(sandbox) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async <T>(): Promise<T> => {
    const line = await lines.next();
    if (line.done) throw new Error(`bare-kernel.py exited: ${stderr.slice(-1500)}`);
    return JSON.parse(line.value) as T;
  };
  const ask = <T>(command: string) => {
    child.stdin!.write(`${command}\n`);
    return next<T>();
  };
  const { startMs } = await next<{ startMs: number }>();
  return {
    startMs,
    roundTrips: async (count) => (await ask<{ roundTripMs: number[] }>(`rt ${count}`)).roundTripMs,
    throughput: (count) => ask<{ ms: number; chars: number }>(`tp ${count}`),
    kernelPid: async () => (await descendants(child.pid!)).find((p) => p.command.includes('ipykernel_launcher') && !p.command.includes('bwrap'))?.pid,
    async close() {
      if (child.exitCode === null) {
        child.stdin!.write('quit\n');
        await new Promise<void>((done) => {
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(timer);
            done();
          });
        });
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
