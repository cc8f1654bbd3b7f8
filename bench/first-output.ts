import { performance } from 'node:perf_hooks';
import { BenchSocket } from './bench-socket.ts';
import { kernelsStarted } from './kernel-processes.ts';
import { verdict, type BenchResult } from './result.ts';
import { startServerProcess, type ServerProcess } from '../test/helpers/server-process.ts';
import { median, round } from './stats.ts';

interface Sample {
  totalMs: number;
  createMs: number;
  connectMs: number;
}

/** POST a conversation, open its socket, run `print(1)`: milliseconds to its first output. */
async function sample(server: ServerProcess): Promise<Sample> {
  const began = performance.now();
  const response = await server.api('/api/conversations', { method: 'POST', body: '{}' });
  if (response.status !== 201) throw new Error(`creating a conversation answered ${response.status}`);
  const { id } = (await response.json()) as { id: string };
  const created = performance.now();
  const socket = await BenchSocket.open(server, id);
  const connected = performance.now();
  const firstOutput = socket.nextOutput();
  const turn = socket.run('print(1)');
  const at = await firstOutput;
  await turn;
  await socket.close();
  return { totalMs: at - began, createMs: created - began, connectMs: connected - created };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Issue 7 §2: from `POST /api/conversations` to the first output of `print(1)`, with the warm
 * pool (default size) on the given server; samples are spaced so the pool refills between them,
 * as it does between a person's new conversations. Also measured without a pool, for comparison.
 */
export async function firstOutput(server: ServerProcess, options: { samples?: number; spacingMs?: number; coldSamples?: number } = {}): Promise<BenchResult> {
  const count = options.samples ?? 10;
  await kernelsStarted(server, 2);
  const warm: Sample[] = [];
  for (let i = 0; i < count; i++) {
    warm.push(await sample(server));
    await delay(options.spacingMs ?? 3000);
  }
  const cold: Sample[] = [];
  const coldServer = await startServerProcess({ env: { TALKBOOK_KERNEL_POOL: '0' } });
  try {
    for (let i = 0; i < (options.coldSamples ?? 3); i++) cold.push(await sample(coldServer));
  } finally {
    await coldServer.close();
  }
  const warmMedian = median(warm.map((s) => s.totalMs));
  const slow = warm.filter((s) => s.totalMs > 400).length;
  return {
    name: 'first output of a new conversation',
    figure: `median ${round(warmMedian)} ms`,
    baseline: `no pool: median ${round(median(cold.map((s) => s.totalMs)))} ms`,
    target: 'median ≤ 150 ms',
    verdict: verdict(warmMedian <= 150),
    notes:
      `${count} samples 3 s apart, pool of 2; of which POST ${round(median(warm.map((s) => s.createMs)))} ms, socket open ${round(median(warm.map((s) => s.connectMs)))} ms (medians); ` +
      `max ${round(Math.max(...warm.map((s) => s.totalMs)))} ms${slow ? `, ${slow} sample(s) over 400 ms (pool empty)` : ''}`,
  };
}
