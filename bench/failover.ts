import { performance } from 'node:perf_hooks';
import { connectRetrying, createConversation, startFleet, type Fleet } from '../test/helpers/server-fleet.ts';
import { startPlainJupyter } from '../test/helpers/plain-jupyter.ts';
import { startTestPostgres } from '../test/helpers/postgres.ts';
import { verdict, type BenchResult } from './result.ts';

/**
 * Failover (issue 18): two Talkbook servers on one PostgreSQL and one jupyter-server. The time
 * from a holder's death (`kill -9`) to the next successful cell of its conversation on the other
 * server, with TALKBOOK_LEASE_SECONDS (TALKBOOK_BENCH_LEASE_SECONDS, default 10, the default
 * setting), and from a SIGTERM (drain) to that cell. The client retries every 100 ms.
 */
export async function failover(options: { leaseSeconds?: number } = {}): Promise<BenchResult[]> {
  const leaseSeconds = options.leaseSeconds ?? Number(process.env.TALKBOOK_BENCH_LEASE_SECONDS ?? 10);
  const postgres = await startTestPostgres();
  const jupyter = await startPlainJupyter();
  let fleet: Fleet | undefined;
  try {
    fleet = await startFleet({ databaseUrl: await postgres.database(), jupyterUrl: jupyter.url, jupyterToken: jupyter.token, leaseSeconds, ids: ['a', 'b', 'c'] });
    const crashMs = await takeover(fleet, (server) => server.kill());
    const drainMs = await takeover(fleet, async (server) => {
      server.signal('SIGTERM');
      await server.exited();
    });
    return [
      {
        name: 'failover: holder killed → next cell',
        figure: `${(crashMs / 1000).toFixed(2)} s`,
        baseline: `lease ${leaseSeconds} s`,
        target: '≤ 15 s',
        verdict: verdict(crashMs <= 15_000),
        notes: 'kill -9 of the holder while idle; the other server takes the lease once it expires and reattaches to the same kernel',
      },
      {
        name: 'failover: SIGTERM drain → next cell',
        figure: `${(drainMs / 1000).toFixed(2)} s`,
        baseline: `lease ${leaseSeconds} s`,
        target: '≤ 1 s',
        verdict: verdict(drainMs <= 1000),
        notes: 'from the signal: the drain flushes, lets go of the kernel and releases the lease; the next server takes it at once',
      },
    ];
  } finally {
    await fleet?.close();
    await jupyter.close();
    await postgres.close();
  }
}

/** A conversation with a variable on its holder; `stop` ends the holder; ms until the variable is read on another server. */
async function takeover(fleet: Fleet, stop: (server: ReturnType<Fleet['servers']['get']> & object) => Promise<void>): Promise<number> {
  const first = [...fleet.servers.values()][0];
  const id = await createConversation(first!.url);
  const { socket } = await connectRetrying(first!.url, id);
  const ran = await socket.run('v = 7');
  if (ran.cell.status !== 'ok') throw new Error('the first cell failed');
  await socket.close();
  const holder = (await fleet.lease(id))!.holder;
  const server = fleet.servers.get(holder)!;
  fleet.servers.delete(holder);
  const other = [...fleet.servers.values()][0]!;
  const started = performance.now();
  await stop(server);
  const again = await connectRetrying(other.url, id, 60_000, 100);
  const { cell } = await again.socket.run('v * 6');
  const elapsed = performance.now() - started;
  await again.socket.close();
  if (!JSON.stringify(cell.outputs).includes('42')) throw new Error('the variable was lost in the takeover');
  return elapsed;
}
