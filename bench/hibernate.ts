import { startServerProcess, type ServerProcess } from '../test/helpers/server-process.ts';
import { BenchSocket } from './bench-socket.ts';
import { verdict, type BenchResult } from './result.ts';
import { median, round } from './stats.ts';

const SESSION = "import pandas as pd, numpy as np\ndf = pd.DataFrame(np.random.rand(200_000, 10), columns=list('abcdefghij'))\nsummary = df.describe()";
const NEXT = 'print(df.shape, round(float(summary.loc["mean", "a"]), 3))';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the conversation says its kernel hibernated (the idle shutdown's notice). */
async function hibernated(server: ServerProcess, id: string, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const detail = (await (await server.api(`/api/conversations/${id}`)).json()) as { cells: { kind: string; text?: string }[] };
    if (detail.cells.some((cell) => cell.kind === 'notice' && /hibernated/.test(cell.text ?? ''))) return;
    await delay(250);
  }
  throw new Error(`the kernel of ${id} did not hibernate within ${timeoutMs / 1000} s`);
}

/**
 * Issue 19: a pandas session (a 200,000 × 10 DataFrame) hibernates after its idle time
 * (`TALKBOOK_KERNEL_IDLE_MINUTES=0.05`, 3 s); the next cell wakes it. Timed: from sending that
 * cell to its first output, which includes starting a kernel and restoring the checkpoint.
 * Baseline, same run: the same cell on the live kernel before it hibernated.
 */
export async function hibernateAndWake(options: { samples?: number } = {}): Promise<BenchResult> {
  const server = await startServerProcess({ env: { TALKBOOK_KERNEL_IDLE_MINUTES: '0.05', TALKBOOK_KERNEL_POOL: '0' } });
  const woken: number[] = [];
  const live: number[] = [];
  try {
    for (let i = 0; i < (options.samples ?? 3); i++) {
      const response = await server.api('/api/conversations', { method: 'POST', body: '{}' });
      const { id } = (await response.json()) as { id: string };
      const socket = await BenchSocket.open(server, id);
      if ((await socket.run(SESSION)).cellStatus !== 'ok') throw new Error('the pandas session did not run');
      live.push((await socket.run(NEXT)).firstOutputMs);
      await hibernated(server, id);
      const wake = await socket.run(NEXT);
      if (wake.cellStatus !== 'ok') throw new Error(`the cell after waking ended ${wake.cellStatus}`);
      woken.push(wake.firstOutputMs);
      await socket.close();
    }
  } finally {
    await server.close();
  }
  const figure = median(woken);
  return {
    name: 'hibernate and wake a pandas session',
    figure: `first output ${round(figure)} ms median`,
    baseline: `live kernel: ${round(median(live))} ms`,
    target: 'first output ≤ 2 s',
    verdict: verdict(figure <= 2000),
    notes: `samples: ${woken.map((ms) => round(ms)).join(', ')} ms; includes starting the kernel, installing the engine, restoring the checkpoint (pandas imported again)`,
  };
}
