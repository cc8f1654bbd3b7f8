import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-gateway.ts';
import { streamText as text } from '../helpers/outputs.ts';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';

/**
 * Checkpoints of remote kernels copied into Talkbook's store (issue 19). A kernel gateway (no
 * contents API) keeps a kernel's checkpoint folder on its own disk, which Talkbook never sees and
 * a new pod does not have: after each checkpoint its new blobs and manifest go into the
 * database, and a restore on a kernel whose folder is gone gets them back from there.
 */
let gateway: FakeGateway;
let postgres: TestPostgres;

beforeAll(async () => {
  gateway = await startFakeGateway();
  postgres = await startTestPostgres();
});
afterAll(async () => {
  await gateway?.close();
  await postgres?.close();
});

/** Counts read straight from the database the server writes. */
interface Rows {
  count(sql: string, params: unknown[]): Promise<number>;
  close(): Promise<void>;
}

async function rowsOf(engine: 'sqlite' | 'postgres', tb: TestTalkbook, url: string | undefined): Promise<Rows> {
  if (engine === 'sqlite') {
    const db = new Database(join(tb.dataDir, 'talkbook.db'), { fileMustExist: true });
    return {
      count: async (sql, params) => Number((db.prepare(sql.replace(/\$\d+/g, '?')).get(...params) as { n: number }).n),
      close: async () => void db.close(),
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    count: async (sql, params) => Number((await client.query<{ n: string }>(sql, params)).rows[0]!.n),
    close: () => client.end(),
  };
}

/** Waits until the store holds checkpoint `id` of the conversation (copies run behind the cell). */
async function stored(rows: Rows, conversationId: string, id: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await rows.count('SELECT count(*) AS n FROM checkpoints WHERE conversation_id = $1 AND id = $2', [conversationId, id])) === 0) {
    if (Date.now() > deadline) throw new Error(`checkpoint ${id} never reached the store`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(['sqlite', 'postgres'] as const)('checkpoints of a remote kernel in the store (%s)', (engine) => {
  let tb: TestTalkbook;
  let url: string | undefined;
  let rows: Rows;

  beforeAll(async () => {
    url = engine === 'postgres' ? await postgres.database() : undefined;
    tb = await startTestTalkbook({
      JUPYTER_URL: gateway.url,
      JUPYTER_TOKEN: gateway.jupyter.token,
      TALKBOOK_KERNEL_POOL: '0',
      ...(url ? { DATABASE_URL: url } : {}),
    });
    rows = await rowsOf(engine, tb, url);
  });
  afterAll(async () => {
    await rows?.close();
    await tb?.close();
  });

  it('stores each new blob once and brings x = np.random.rand(3) back after the pod lost its disk', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const first = await socket.run('import numpy as np\nx = np.random.rand(3)\nbig = np.random.rand(300_000)\nprint(x.tolist())');
    expect(first.cell.status).toBe('ok');
    const x = text(first.cell.outputs);
    const firstId = first.cell.checkpoint?.id;
    expect(first.cell.checkpoint?.status).toBe('saved');
    await stored(rows, id, firstId!);
    const blobs = await rows.count('SELECT count(*) AS n FROM checkpoint_blobs', []);
    // The big array's 2.4 MB are in the store.
    expect(await rows.count('SELECT count(*) AS n FROM checkpoint_blobs WHERE size >= 2400000', [])).toBe(1);

    // Dedup: a second checkpoint with `big` unchanged adds a manifest and no blob.
    const second = await socket.run('print(big.shape)');
    expect(text(second.cell.outputs)).toBe('(300000,)\n');
    const secondId = second.cell.checkpoint?.id;
    expect(secondId).toBeDefined();
    expect(secondId).not.toBe(firstId);
    await stored(rows, id, secondId!);
    expect(await rows.count('SELECT count(*) AS n FROM checkpoint_blobs', [])).toBe(blobs);
    expect(await rows.count('SELECT count(*) AS n FROM checkpoints WHERE conversation_id = $1', [id])).toBe(2);

    // The kernel goes (server restart), and with it the pod's disk: its checkpoint folder is deleted.
    await socket.close();
    await tb.restart();
    const folder = join(gateway.jupyter.rootDir, '.talkbook-checkpoints', id);
    expect(existsSync(join(folder, 'checkpoints', `${secondId}.json`))).toBe(true);
    await rm(folder, { recursive: true, force: true });

    // The next run restores from the store: the same random numbers (a replay would draw others).
    const again = await tb.connect(id);
    const after = await again.run('print(x.tolist())\nprint(big.shape)');
    expect(after.cell.status).toBe('ok');
    expect(text(after.cell.outputs)).toBe(`${x}(300000,)\n`);
    expect(existsSync(join(folder, 'checkpoints', `${secondId}.json`))).toBe(true);
  });
});
