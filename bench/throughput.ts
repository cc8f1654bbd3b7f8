import { startBareKernel } from './bare-kernel.ts';
import { BenchSocket } from './bench-socket.ts';
import { verdict, type BenchResult } from './result.ts';
import type { ServerProcess } from '../test/helpers/server-process.ts';
import { median, round } from './stats.ts';

const MiB = 1024 * 1024;

/**
 * Issue 7 §3: one cell printing 1,000,000 short lines (`print(i)`: 6.9 MB of text, under the
 * default 16 MiB per-cell output cap, so nothing is truncated): time until the WebSocket client
 * holds the last byte of output vs a bare jupyter_client receiving the same stream, and how much
 * the server's resident memory grows meanwhile. Each side runs `runs` times, alternating.
 */
export async function throughput(server: ServerProcess, options: { lines?: number; runs?: number } = {}): Promise<BenchResult[]> {
  const lines = options.lines ?? 1_000_000;
  const runs = options.runs ?? 3;
  const code = `for i in range(${lines}):\n    print(i)`;
  const bare = await startBareKernel();
  try {
    const { id } = (await (await server.api('/api/conversations', { method: 'POST', body: '{}' })).json()) as { id: string };
    const socket = await BenchSocket.open(server, id);
    try {
      await socket.run('1+1');
      await bare.throughput(1000);
      const talkbook: number[] = [];
      const turnEnds: number[] = [];
      const baseline: number[] = [];
      const growth: number[] = [];
      let chars = 0;
      let bareChars = 0;
      for (let run = 0; run < runs; run++) {
        const result = await bare.throughput(lines);
        baseline.push(result.ms);
        bareChars = result.chars;
        const before = await server.rssBytes();
        let peak = before;
        const sampler = setInterval(() => {
          server.rssBytes().then((rss) => (peak = Math.max(peak, rss)), () => undefined);
        }, 20);
        const turn = await socket.run(code);
        // The cell's aftermath counts too: its last frame and the debounced save of the conversation.
        await new Promise((resolve) => setTimeout(resolve, 2000));
        clearInterval(sampler);
        peak = Math.max(peak, await server.rssBytes());
        if (turn.state !== 'done' || turn.cellStatus !== 'ok') throw new Error(`the output cell ended ${turn.state}/${turn.cellStatus}`);
        talkbook.push(turn.lastOutputMs);
        turnEnds.push(turn.totalMs);
        chars = turn.streamChars;
        growth.push(peak - before);
      }
      const ratio = median(talkbook) / median(baseline);
      return [
        {
          name: 'output throughput (10⁶ lines)',
          figure: `median ${round(median(talkbook))} ms (ratio ${round(ratio, 2)})`,
          baseline: `jupyter_client ${round(median(baseline))} ms`,
          target: 'ratio ≤ 1.5',
          verdict: verdict(ratio <= 1.5 && chars === bareChars),
          notes: `to the last output byte at the client (${(chars / 1e6).toFixed(2)} M chars, the baseline got ${(bareChars / 1e6).toFixed(2)} M); turn end at ${round(median(turnEnds))} ms; ${runs} runs each, alternating`,
        },
        {
          name: 'server memory for that cell',
          figure: `RSS +${round(growth[0]! / MiB)} MiB`,
          baseline: '—',
          target: '< 100 MB',
          verdict: verdict(growth[0]! < 100 * 1000 * 1000),
          notes:
            'peak resident set of the Node server (sampled every 20 ms, until 2 s after the turn) minus its value before the cell, ' +
            `first such cell of a new conversation; the same cell again in that conversation: +${growth.slice(1).map((g) => round(g / MiB)).join(', +')} MiB (it keeps every output, and recent frames for resume)`,
        },
      ];
    } finally {
      await socket.close();
    }
  } finally {
    await bare.close();
  }
}
