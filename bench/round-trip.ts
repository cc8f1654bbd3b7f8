import { startBareKernel } from './bare-kernel.ts';
import { BenchSocket } from './bench-socket.ts';
import { verdict, type BenchResult } from './result.ts';
import type { ServerProcess } from '../test/helpers/server-process.ts';
import { median, percentile, round } from './stats.ts';

export interface RoundTripOptions {
  /** Cells per side (default 400), run in interleaved blocks so drift hits both alike. */
  cells?: number;
  blocks?: number;
}

/**
 * Issue 7 §1: a trivial cell (`1+1`) sent over Talkbook's WebSocket and awaited until the turn's
 * end, vs the same cell through a bare jupyter_client on a kernel of the same spec. Both kernels
 * run side by side; the two are measured in alternating blocks.
 */
export async function roundTrip(server: ServerProcess, options: RoundTripOptions = {}): Promise<BenchResult> {
  const cells = options.cells ?? 400;
  const blocks = options.blocks ?? 16;
  const perBlock = Math.ceil(cells / blocks);
  const bare = await startBareKernel();
  try {
    const { id } = (await (await server.api('/api/conversations', { method: 'POST', body: '{}' })).json()) as { id: string };
    const socket = await BenchSocket.open(server, id);
    try {
      for (let i = 0; i < 20; i++) await socket.run('1+1');
      await bare.roundTrips(20);
      const talkbook: number[] = [];
      const baseline: number[] = [];
      for (let block = 0; block < blocks; block++) {
        baseline.push(...(await bare.roundTrips(perBlock)));
        for (let i = 0; i < perBlock; i++) {
          const turn = await socket.run('1+1');
          if (turn.state !== 'done' || turn.cellStatus !== 'ok') throw new Error(`a round-trip cell ended ${turn.state}/${turn.cellStatus}`);
          talkbook.push(turn.totalMs);
        }
      }
      const ratio = median(talkbook) / median(baseline);
      return {
        name: 'round trip (1+1)',
        figure: `median ${round(median(talkbook), 2)} ms (ratio ${round(ratio, 2)})`,
        baseline: `jupyter_client ${round(median(baseline), 2)} ms`,
        target: 'ratio ≤ 1.2',
        verdict: verdict(ratio <= 1.2),
        notes: `${talkbook.length} cells each, ${blocks} alternating blocks; p95 ${round(percentile(talkbook, 0.95), 2)} vs ${round(percentile(baseline, 0.95), 2)} ms`,
      };
    } finally {
      await socket.close();
    }
  } finally {
    await bare.close();
  }
}
