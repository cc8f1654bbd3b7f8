import { performance } from 'node:perf_hooks';
import { BenchSocket } from './bench-socket.ts';
import { verdict, type BenchResult } from './result.ts';
import type { ServerProcess } from '../test/helpers/server-process.ts';
import { median, round } from './stats.ts';

/** 1 GiB of float64 (never touched: a copy or a pickle would have to read all of it) and 499 small names. */
const SETUP =
  'import numpy as np, pandas as pd\n' +
  "big = pd.DataFrame(np.zeros((16_777_216, 8)), columns=list('abcdefgh'))\n" +
  'for i in range(499):\n    globals()[f"v{i:03d}"] = i';

/** `GET /api/conversations/:id/variables` `samples` times: each one's milliseconds, and the last listing's length. */
async function listings(server: ServerProcess, id: string, samples: number): Promise<{ times: number[]; count: number }> {
  const times: number[] = [];
  let count = 0;
  for (let i = 0; i < samples; i++) {
    const began = performance.now();
    const response = await server.api(`/api/conversations/${id}/variables`);
    const body = (await response.json()) as unknown;
    times.push(performance.now() - began);
    if (response.status !== 200 || !Array.isArray(body)) throw new Error(`the variable listing answered ${response.status}`);
    count = body.length;
  }
  return { times, count };
}

async function conversationWith(server: ServerProcess, code: string): Promise<string> {
  const response = await server.api('/api/conversations', { method: 'POST', body: '{}' });
  if (response.status !== 201) throw new Error(`creating a conversation answered ${response.status}`);
  const { id } = (await response.json()) as { id: string };
  const socket = await BenchSocket.open(server, id);
  try {
    const turn = await socket.run(code);
    if (turn.cellStatus !== 'ok') throw new Error(`the setup cell ended ${turn.cellStatus ?? turn.state}`);
  } finally {
    await socket.close();
  }
  return id;
}

/**
 * Issue 20: the variable explorer lists 500 variables including a 1 GiB DataFrame within 200 ms
 * (`GET /api/conversations/:id/variables`, the listing the model is told too). Baseline: the same
 * request in a conversation holding one small variable, in the same run (the fixed cost of a
 * silent execution through Jupyter).
 */
export async function variableExplorer(server: ServerProcess, options: { samples?: number } = {}): Promise<BenchResult> {
  const samples = options.samples ?? 11;
  const big = await conversationWith(server, SETUP);
  const small = await conversationWith(server, 'n = 1');
  await listings(server, big, 2); // warm: the first listing imports what it uses
  await listings(server, small, 2);
  const measured = await listings(server, big, samples);
  const baseline = await listings(server, small, samples);
  if (measured.count !== 501) throw new Error(`the listing had ${measured.count} variables, not 501`);
  const figure = median(measured.times);
  return {
    name: 'variable explorer: 500 names + 1 GiB DataFrame',
    figure: `median ${round(figure)} ms`,
    baseline: `one small variable: median ${round(median(baseline.times))} ms`,
    target: '≤ 200 ms',
    verdict: verdict(figure <= 200),
    notes: `${samples} requests after 2 to warm up; max ${round(Math.max(...measured.times))} ms; 501 variables listed`,
  };
}
