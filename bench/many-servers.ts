import { performance } from 'node:perf_hooks';
import { FLEET_TOKEN, createConversation, startFleet } from '../test/helpers/server-fleet.ts';
import { startTestNginx } from '../test/helpers/nginx.ts';
import { startPlainJupyter, type PlainJupyter } from '../test/helpers/plain-jupyter.ts';
import { startTestPostgres } from '../test/helpers/postgres.ts';
import type { ServerProcess } from '../test/helpers/server-process.ts';
import { BenchSocket, type TurnTiming } from './bench-socket.ts';
import { PANDAS_CELL } from './many-conversations.ts';
import type { BenchResult } from './result.ts';
import { median, percentile, round } from './stats.ts';

interface Round {
  coldWallMs: number;
  warm: number[];
  failed: number;
}

/** Every kernel on the shared Jupyter goes: each round starts from none (a drain leaves them running). */
async function shutDownKernels(jupyter: PlainJupyter): Promise<void> {
  const headers = { Authorization: `token ${jupyter.token}` };
  const kernels = (await (await fetch(`${jupyter.url}/api/kernels`, { headers })).json()) as { id: string }[];
  await Promise.all(kernels.map((kernel) => fetch(`${jupyter.url}/api/kernels/${kernel.id}`, { method: 'DELETE', headers })));
}

/** `count` conversations through nginx in front of `servers` Talkbook servers, a pandas cell in each at once, twice. */
async function oneRound(databaseUrl: string, jupyter: PlainJupyter, servers: number, count: number): Promise<Round> {
  const fleet = await startFleet({ databaseUrl, jupyterUrl: jupyter.url, jupyterToken: jupyter.token, leaseSeconds: 10, ids: Array.from({ length: servers }, (_, i) => `bench-${servers}-${i}`) });
  const nginx = await startTestNginx([...fleet.servers.values()].map((server) => new URL(server.url).host));
  // BenchSocket reads only the address and the token: the load balancer's and the fleet's.
  const front = { url: nginx.url, token: FLEET_TOKEN } as unknown as ServerProcess;
  try {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(await createConversation(nginx.url));
    const sockets = await Promise.all(ids.map((id) => BenchSocket.open(front, id)));
    const began = performance.now();
    const cold = await Promise.all(sockets.map((socket) => socket.run(PANDAS_CELL, 600_000)));
    const coldWallMs = performance.now() - began;
    const warm = await Promise.all(sockets.map((socket) => socket.run(PANDAS_CELL, 600_000)));
    await Promise.all(sockets.map((socket) => socket.close()));
    const failed = [...cold, ...warm].filter((t: TurnTiming) => t.state !== 'done' || t.cellStatus !== 'ok').length;
    return { coldWallMs, warm: warm.map((t) => t.totalMs), failed };
  } finally {
    await nginx.close();
    await fleet.close();
    await shutDownKernels(jupyter);
  }
}

/**
 * Issue 18: the many-conversations load (30 conversations, a pandas cell in each at the same
 * moment, on new kernels and then again on warm ones) through nginx with the shipped
 * configuration, in front of three Talkbook servers against one, on one PostgreSQL and one
 * jupyter-server. The ratio says what routing by conversation and the leases cost or gain.
 */
export async function manyServers(options: { conversations?: number } = {}): Promise<BenchResult> {
  const count = options.conversations ?? 30;
  const postgres = await startTestPostgres();
  const jupyter = await startPlainJupyter();
  try {
    const databaseUrl = await postgres.database();
    const one = await oneRound(databaseUrl, jupyter, 1, count);
    const three = await oneRound(databaseUrl, jupyter, 3, count);
    const ratio = median(three.warm) / median(one.warm);
    return {
      name: `${count} conversations at once, 3 servers behind nginx`,
      figure: `warm median ${round(median(three.warm))} ms, p95 ${round(percentile(three.warm, 0.95))} ms (ratio ${ratio.toFixed(2)})`,
      baseline: `1 server behind nginx: warm median ${round(median(one.warm))} ms`,
      target: 'report the ratio',
      verdict: one.failed + three.failed === 0 ? 'info' : 'FAIL',
      notes: `new kernels, all cells done: ${round(three.coldWallMs / 1000, 2)} s on 3 servers, ${round(one.coldWallMs / 1000, 2)} s on 1; failed turns: ${one.failed + three.failed}. On 2 cores the servers, the kernels, PostgreSQL and nginx share the same CPU: the ratio shows the cost of routing and leases, not a gain in capacity`,
    };
  } finally {
    await jupyter.close();
    await postgres.close();
  }
}
