/**
 * `npm run bench`: every benchmark of issue 7 against a real Talkbook (its own process, embedded
 * Jupyter, sandboxed kernels) and, where there is one, a baseline measured in the same run. Prints
 * one line per benchmark and writes the table into docs/performance.md. Takes a few minutes.
 *
 *   npm run bench                 # everything
 *   npm run bench -- round-trip   # only benchmarks whose key contains one of the words
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { bigConversation } from './big-conversation.ts';
import { hibernateAndWake } from './hibernate.ts';
import { manyServers } from './many-servers.ts';
import { checkpointBenchmarks } from './checkpoints.ts';
import { clientBundle } from './client-bundle.ts';
import { failover } from './failover.ts';
import { firstOutput } from './first-output.ts';
import { machineInfo } from './machine-info.ts';
import { manyConversations } from './many-conversations.ts';
import { resultsMarkdown, writeReport } from './report.ts';
import { formatLine, skipped, type BenchResult } from './result.ts';
import { roundTrip } from './round-trip.ts';
import { startServerProcess, type ServerProcess } from '../test/helpers/server-process.ts';
import { storeBenchmarks } from './store.ts';
import { throughput } from './throughput.ts';
import { variableExplorer } from './variables.ts';

interface Bench {
  key: string;
  /** Names and targets of its lines, for a failure report. */
  lines: Array<[string, string]>;
  /** Run against a fresh server of its own. */
  run: (server: ServerProcess) => Promise<BenchResult | BenchResult[]>;
  /** False for a benchmark that needs no server (default true). */
  needsServer?: boolean;
}

const benches: Bench[] = [
  { key: 'round-trip', lines: [['round trip (1+1)', 'ratio ≤ 1.2']], run: (s) => roundTrip(s) },
  { key: 'first-output', lines: [['first output of a new conversation', 'median ≤ 150 ms']], run: (s) => firstOutput(s) },
  { key: 'throughput', lines: [['output throughput (10⁶ lines)', 'ratio ≤ 1.5'], ['server memory for that cell', '< 100 MB']], run: (s) => throughput(s) },
  { key: 'many-conversations', lines: [['50 conversations, pandas cell at once', 'all complete'], ['memory of an idle kernel', 'report']], run: (s) => manyConversations(s) },
  { key: 'big-conversation', lines: [['export of 1000 cells (.ipynb)', '≤ 200 ms'], ['open 1000 cells in Chromium', '≤ 2 s']], run: (s) => bigConversation(s) },
  { key: 'client-bundle', lines: [['client first load (gzipped JS)', '≤ 300 KB']], run: () => clientBundle(), needsServer: false },
  { key: 'variables', lines: [['variable explorer: 500 names + 1 GiB DataFrame', '≤ 200 ms']], run: (s) => variableExplorer(s) },
  {
    key: 'checkpoints',
    lines: [
      ['checkpoint of a trivial cell, 500 MiB frame unchanged', '≤ 30 ms'],
      ['restore of that frame and 20 small variables', '≤ 3 s'],
      ['storage for 50 cells changing one small variable', '≤ 2× the namespace'],
    ],
    run: () => checkpointBenchmarks(),
    needsServer: false,
  },
  {
    key: 'checkpoints-hibernate',
    lines: [['hibernate and wake a pandas session', 'first output ≤ 2 s']],
    run: () => hibernateAndWake(),
    needsServer: false,
  },
  {
    key: 'failover',
    lines: [
      ['failover: holder killed → next cell', '≤ 15 s'],
      ['failover: SIGTERM drain → next cell', '≤ 1 s'],
    ],
    run: () => failover(),
    needsServer: false,
  },
  {
    key: 'many-servers',
    lines: [['30 conversations at once, 3 servers behind nginx', 'report the ratio']],
    run: () => manyServers(),
    needsServer: false,
  },
  {
    key: 'store',
    lines: [['the store with 50,000 conversations', 'see issue 16']],
    run: () => storeBenchmarks({ count: Number(process.env.TALKBOOK_BENCH_CONVERSATIONS ?? 50_000) }),
    needsServer: false,
  },
];

const only = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const chosen = benches.filter((bench) => only.length === 0 || only.some((word) => bench.key.includes(word)));
const machine = machineInfo();
const began = performance.now();
const results: BenchResult[] = [];

console.log(`Talkbook benchmarks on ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB (load ${machine.loadAtStart})\n`);
for (const bench of chosen) {
  let got: BenchResult[];
  let server: ServerProcess | undefined;
  try {
    if (bench.needsServer !== false) server = await startServerProcess();
    const result = await bench.run(server!);
    got = Array.isArray(result) ? result : [result];
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    got = bench.lines.map(([name, target]) => skipped(name, target, `failed: ${reason}`));
  } finally {
    await server?.close();
  }
  for (const result of got) {
    console.log(formatLine(result));
    if (result.figure === 'not measured') console.log(`    ${result.notes}`);
    results.push(result);
  }
}

const durationS = (performance.now() - began) / 1000;
console.log(`\n${Math.round(durationS)} s in all.`);
if (only.length === 0) {
  const path = join(import.meta.dirname, '..', 'docs', 'performance.md');
  await writeReport(path, resultsMarkdown(results, machine, durationS));
  console.log(`Results written to ${path}.`);
} else {
  console.log('A partial run: docs/performance.md is left as it was.');
}
