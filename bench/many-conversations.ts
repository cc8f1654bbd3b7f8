import { BenchSocket, type TurnTiming } from './bench-socket.ts';
import { kernelPids, kernelsStarted } from './kernel-processes.ts';
import { pssBytes, rssBytes } from '../test/helpers/process-tree.ts';
import { verdict, type BenchResult } from './result.ts';
import type { ServerProcess } from '../test/helpers/server-process.ts';
import { median, percentile, round } from './stats.ts';

const MiB = 1024 * 1024;

export const PANDAS_CELL = [
  'import pandas as pd',
  "df = pd.DataFrame({'group': [i % 7 for i in range(10_000)], 'value': range(10_000)})",
  "print(df.groupby('group')['value'].sum().to_string())",
].join('\n');

async function memoryOf(pids: number[]): Promise<{ rss: number; pss: number }> {
  const rss = await Promise.all(pids.map((pid) => rssBytes(pid).catch(() => Number.NaN)));
  const pss = await Promise.all(pids.map((pid) => pssBytes(pid).catch(() => Number.NaN)));
  return { rss: median(rss.filter(Number.isFinite)), pss: median(pss.filter(Number.isFinite)) };
}

async function allAtOnce(sockets: BenchSocket[], code: string): Promise<TurnTiming[]> {
  return Promise.all(sockets.map((socket) => socket.run(code, 600_000)));
}

/**
 * Issue 7 §4: 50 conversations each run a small pandas cell at the same moment. First on new
 * conversations (two kernels come from the pool, the rest start on first use), then again once
 * every kernel is up (the steady state). Plus what an idle kernel costs in memory.
 */
export async function manyConversations(server: ServerProcess, options: { conversations?: number } = {}): Promise<BenchResult[]> {
  const count = options.conversations ?? 50;
  // On a server of its own: the only kernels now are the two pooled ones, fresh.
  await kernelsStarted(server, 2);
  const freshPids = await kernelPids(server);
  const fresh = await memoryOf(freshPids);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await server.api('/api/conversations', { method: 'POST', body: JSON.stringify({ title: `load ${i}` }) });
    ids.push(((await response.json()) as { id: string }).id);
  }
  const sockets = await Promise.all(ids.map((id) => BenchSocket.open(server, id)));
  try {
    const cold = await allAtOnce(sockets, PANDAS_CELL);
    const warm = await allAtOnce(sockets, PANDAS_CELL);
    const failed = [...cold, ...warm].filter((t) => t.state !== 'done' || t.cellStatus !== 'ok').length;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const all = await kernelPids(server);
    const withPandas = await memoryOf(all.filter((pid) => !freshPids.includes(pid)));
    const serverRss = await server.rssBytes();
    const warmMs = warm.map((t) => t.totalMs);
    const coldMs = cold.map((t) => t.totalMs);
    return [
      {
        name: `${count} conversations, pandas cell at once`,
        figure: `median ${round(median(warmMs))} ms, p95 ${round(percentile(warmMs, 0.95))} ms`,
        baseline: '—',
        target: 'all complete',
        verdict: verdict(failed === 0),
        notes:
          `${count * 2 - failed}/${count * 2} cells ok; kernels already up (the steady state). On new conversations (48 kernels starting at once): ` +
          `median ${round(median(coldMs) / 1000, 1)} s, p95 ${round(percentile(coldMs, 0.95) / 1000, 1)} s; server RSS then ${round(serverRss / MiB)} MiB`,
      },
      {
        name: 'memory of an idle kernel',
        figure: `PSS ${round(fresh.pss / MiB)} MiB (RSS ${round(fresh.rss / MiB)} MiB)`,
        baseline: '—',
        target: 'report',
        verdict: 'info',
        notes: `a fresh pooled kernel; after that pandas cell: PSS ${round(withPandas.pss / MiB)} MiB, RSS ${round(withPandas.rss / MiB)} MiB (medians over ${all.length - freshPids.length} kernels)`,
      },
    ];
  } finally {
    await Promise.all(sockets.map((socket) => socket.close()));
    await Promise.all(ids.map((id) => server.api(`/api/conversations/${id}`, { method: 'DELETE' }).catch(() => undefined)));
  }
}
