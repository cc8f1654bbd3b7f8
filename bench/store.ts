import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Cell, CodeCell } from '../server/protocol/index.ts';
import { PostgresStore, SqliteStore, type ConversationStore, type StoredConversation } from '../server/store/index.ts';
import { startTestPostgres } from '../test/helpers/postgres.ts';
import { startServerProcess } from '../test/helpers/server-process.ts';
import { verdict, type BenchResult } from './result.ts';
import { median, round } from './stats.ts';

const MiB = 1024 * 1024;

/** A word that appears in exactly one seeded conversation's output, and one in many questions. */
const RARE = 'quetzalcoatlus';
const COMMON = 'revenue';

/**
 * Issue 16's benchmarks, on SQLite and PostgreSQL in one run: a store seeded with `count`
 * conversations of realistic size (10–40 cells, a plot in one of five); start to health and the
 * server's memory against an empty store; the first page of the list; a search; appending a cell
 * to a 1,000-cell conversation against a 1-cell one.
 */
export async function storeBenchmarks(options: { count?: number } = {}): Promise<BenchResult[]> {
  const count = options.count ?? 50_000;
  const results: BenchResult[] = [];
  const postgres = await startTestPostgres();
  const scratch = await mkdtemp(join(tmpdir(), 'talkbook-bench-store-'));
  try {
    const engines: Array<{ name: string; env: () => Promise<{ env: Record<string, string>; dataDir: string; open: () => Promise<ConversationStore> }> }> = [
      {
        name: 'SQLite',
        env: async () => {
          const dataDir = await mkdtemp(join(scratch, 'sqlite-'));
          return { env: {}, dataDir, open: async () => SqliteStore.open(join(dataDir, 'talkbook.db')) };
        },
      },
      {
        name: 'PostgreSQL',
        env: async () => {
          const url = await postgres.database();
          const dataDir = await mkdtemp(join(scratch, 'pg-'));
          return { env: { DATABASE_URL: url }, dataDir, open: () => PostgresStore.open({ url }) };
        },
      },
    ];
    for (const engine of engines) {
      const empty = await engine.env();
      const seeded = await engine.env();
      const store = await seeded.open();
      const seedBegan = performance.now();
      await seed(store, count);
      const seedS = (performance.now() - seedBegan) / 1000;
      const appends = await appendCosts(store);
      await store.close();

      // Each store is started once before it is measured: a first start makes the schema and the
      // first admin, and on the seeded store (conversations from before accounts) hands every
      // ownerless conversation to that admin in one UPDATE, a one-time step of the upgrade.
      await startCost(empty.env, empty.dataDir);
      const firstStart = await startCost(seeded.env, seeded.dataDir);
      const bare = await startCost(empty.env, empty.dataDir);
      const full = await startCost(seeded.env, seeded.dataDir);
      const startDelta = full.startMs - bare.startMs;
      const memoryDelta = full.rss - bare.rss;
      results.push(
        {
          name: `start to health, ${count.toLocaleString('en')} stored (${engine.name})`,
          figure: `${round(full.startMs / 1000, 2)} s (+${round(startDelta / 1000, 2)} s)`,
          baseline: `empty store ${round(bare.startMs / 1000, 2)} s`,
          target: '≤ +1.5 s',
          verdict: verdict(startDelta <= 1500),
          notes: `seeded in ${round(seedS)} s; the first start, which gave the ${count.toLocaleString('en')} ownerless conversations to the first admin, took ${round(firstStart.startMs / 1000, 2)} s`,
        },
        {
          name: `server memory, ${count.toLocaleString('en')} stored (${engine.name})`,
          figure: `${round(full.rss / MiB)} MB (+${round(memoryDelta / MiB)} MB)`,
          baseline: `empty store ${round(bare.rss / MiB)} MB`,
          target: '≤ +50 MB',
          verdict: verdict(memoryDelta <= 50 * MiB),
        },
        {
          name: `first page of the list (${engine.name})`,
          figure: `median ${round(full.listMs, 2)} ms`,
          baseline: '—',
          target: '≤ 20 ms',
          verdict: verdict(full.listMs <= 20),
          notes: '50 conversations, newest first, through the HTTP API',
        },
        {
          name: `search (${engine.name})`,
          figure: `median ${round(full.searchMs, 1)} ms`,
          baseline: `a word in many: ${round(full.commonSearchMs, 1)} ms`,
          target: '≤ 150 ms',
          verdict: verdict(Math.max(full.searchMs, full.commonSearchMs) <= 150 && full.found),
          notes: `"${RARE}" (one output in ${count.toLocaleString('en')} conversations${full.found ? ', found' : ', NOT FOUND'}) and "${COMMON}" (in many questions), first page with snippets`,
        },
        {
          name: `append a cell, 1,000-cell conversation (${engine.name})`,
          figure: `median ${round(appends.big, 2)} ms`,
          baseline: `1-cell conversation ${round(appends.small, 2)} ms`,
          target: '≤ 5 ms',
          verdict: verdict(appends.big <= 5),
          notes: 'one transaction: the new cell, its output, its search text, the conversation row',
        },
      );
    }
  } finally {
    await postgres.close();
    await rm(scratch, { recursive: true, force: true });
  }
  return results;
}

let serial = 0;
const id = () => (++serial).toString(16).padStart(8, '0') + randomBytes(12).toString('hex');

function code(source: string, text: string, png?: string): CodeCell {
  return {
    id: id(),
    kind: 'code',
    createdAt: new Date().toISOString(),
    source,
    author: 'assistant',
    status: 'ok',
    executionCount: 1,
    outputs: [
      { output_type: 'stream', name: 'stdout', text },
      ...(png ? [{ output_type: 'display_data' as const, data: { 'image/png': png, 'text/plain': '<Figure size 640x480>' }, metadata: {} }] : []),
    ],
  };
}

/** One stored conversation as a year of use makes them: questions, answers, code with outputs. */
function conversation(n: number): StoredConversation {
  const cells: Cell[] = [];
  const size = 10 + (n % 31);
  const at = new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
  for (let i = 0; cells.length < size; i++) {
    cells.push({ id: id(), kind: 'user', createdAt: at, text: `What was the ${COMMON} of region ${i} in month ${n % 12}?` });
    const rows = Array.from({ length: 6 }, (_, r) => `${r}  region-${i}  ${((n * 31 + r * 7) % 1000) / 10}`).join('\n');
    const rare = n === 777 && i === 1 ? ` ${RARE}` : '';
    cells.push(code(`df = sales[sales.region == ${i}]\ndf.groupby('month').revenue.sum()`, `${rows}${rare}\n`, n % 5 === 0 && i === 0 ? randomBytes(15_000).toString('base64') : undefined));
    cells.push({ id: id(), kind: 'assistant', createdAt: at, text: `Region ${i} made ${(n * 13) % 9000} in month ${n % 12}, ${(n % 7) + 1} % more than before.` });
  }
  return { id: id(), title: `Sales analysis ${n}`, kernel: 'python3', createdAt: at, updatedAt: at, seq: 100_000, ownerId: null, cells: cells.slice(0, size) };
}

export async function seed(store: ConversationStore, count: number): Promise<void> {
  const parallel = store.engine === 'postgres' ? 8 : 1;
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) await store.createConversation(conversation(next++));
    }),
  );
}

/** A cell appended (with its output) to a 1,000-cell conversation and to a 1-cell one, ms per append. */
async function appendCosts(store: ConversationStore): Promise<{ big: number; small: number }> {
  const measure = async (cells: number) => {
    const base = conversation(1_000_000 + cells);
    const stored: StoredConversation = { ...base, cells: Array.from({ length: cells }, (_, i) => code(`x = ${i}`, `${i}\n`)) };
    await store.createConversation(stored);
    const ms: number[] = [];
    for (let i = 0; i < 60; i++) {
      const cell = code(`y = ${i}`, `${i}\n`);
      const began = performance.now();
      await store.applyChanges(stored.id, {
        title: stored.title,
        titleChanged: false,
        updatedAt: new Date().toISOString(),
        seq: 100_000 + i,
        cells: [{ cell, position: cells + i, outputsChanged: true }],
        removed: [],
      });
      if (i >= 10) ms.push(performance.now() - began);
    }
    return median(ms);
  };
  return { big: await measure(1000), small: await measure(1) };
}

/** A server on this store: ms from spawn to a healthy answer, its memory, list and search times. */
async function startCost(env: Record<string, string>, dataDir: string) {
  const began = performance.now();
  const server = await startServerProcess({ dataDir, env: { ...env, TALKBOOK_KERNEL_POOL: '0' } });
  try {
    while ((await fetch(`${server.url}/api/health`)).status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
    const startMs = performance.now() - began;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const rss = await server.rssBytes();
    const time = async (path: string, samples: number) => {
      const ms: number[] = [];
      let body: unknown;
      for (let i = 0; i <= samples; i++) {
        const t = performance.now();
        const response = await server.api(path);
        body = await response.json();
        if (i > 0) ms.push(performance.now() - t);
      }
      return { ms: median(ms), body: body as { items: Array<{ match?: string }> } };
    };
    const list = await time('/api/conversations?limit=50', 20);
    const search = await time(`/api/conversations?limit=50&q=${RARE}`, 10);
    const common = await time(`/api/conversations?limit=50&q=${COMMON}`, 10);
    return { startMs, rss, listMs: list.ms, searchMs: search.ms, commonSearchMs: common.ms, found: search.body.items.length === 1 && Boolean(search.body.items[0]?.match?.includes(RARE)) };
  } finally {
    await server.close();
  }
}
