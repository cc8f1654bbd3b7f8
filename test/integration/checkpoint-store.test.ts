import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointBlobHash } from '../../server/kernel/kernel-checkpoints.ts';
import { CHECKPOINT_CHUNK_BYTES } from '../../server/store/checkpoints.ts';
import { PostgresStore, SqliteStore, type ConversationStore } from '../../server/store/index.ts';
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
    // The pod is gone too. (With PostgreSQL on a shared Jupyter a restart leaves kernels running
    // for the next holder, which reattaches to them; a lost pod leaves nothing to reattach to.)
    const headers = { Authorization: `token ${gateway.jupyter.token}` };
    const kernels = (await (await fetch(`${gateway.jupyter.url}/api/kernels`, { headers })).json()) as { id: string }[];
    for (const kernel of kernels) await fetch(`${gateway.jupyter.url}/api/kernels/${kernel.id}`, { method: 'DELETE', headers });

    // The next run restores from the store: the same random numbers (a replay would draw others).
    const again = await tb.connect(id);
    const after = await again.run('print(x.tolist())\nprint(big.shape)');
    expect(after.cell.status).toBe('ok');
    expect(text(after.cell.outputs)).toBe(`${x}(300000,)\n`);
    expect(existsSync(join(folder, 'checkpoints', `${secondId}.json`))).toBe(true);
  });
});

describe('a kernel about to hibernate', () => {
  let tb: TestTalkbook;
  let rows: Rows;
  beforeAll(async () => {
    // The embedded Jupyter: its checkpoint folders are on this server's disk, copied only before hibernation.
    tb = await startTestTalkbook({ TALKBOOK_KERNEL_IDLE_MINUTES: '0.05', TALKBOOK_KERNEL_POOL: '0' });
    rows = await rowsOf('sqlite', tb, undefined);
  });
  afterAll(async () => {
    await rows?.close();
    await tb?.close();
  });

  it('copies its newest checkpoint into the store first, which wakes it when its folder is gone', { timeout: 120_000 }, async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const first = await socket.run('import numpy as np\nx = np.random.rand(3)\nprint(x.tolist())');
    const checkpointId = first.cell.checkpoint?.id;
    expect(checkpointId).toBeDefined();
    await socket.waitFor((f) => f.type === 'cell' && f.cell.kind === 'notice' && /hibernated/.test(f.cell.text), 30_000);
    // Copied before the kernel was shut down, not after each cell (this kernel's disk is Talkbook's).
    expect(await rows.count('SELECT count(*) AS n FROM checkpoints WHERE conversation_id = $1 AND id = $2', [id, checkpointId])).toBe(1);
    const folder = join(tb.dataDir, 'checkpoints', id);
    expect(existsSync(folder)).toBe(true);
    await rm(folder, { recursive: true, force: true });
    const { cell } = await socket.run('print(x.tolist())', 60_000);
    expect(text(cell.outputs)).toBe(text(first.cell.outputs));
  });
});

describe.each(['sqlite', 'postgres'] as const)('the store\'s checkpoint rows (%s)', (engine) => {
  let store: ConversationStore;
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'talkbook-checkpoint-rows-'));
    store = engine === 'sqlite' ? SqliteStore.open(join(scratch, 'talkbook.db')) : await PostgresStore.open({ url: await postgres.database() });
  });
  afterAll(async () => {
    await store?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const conversation = async (id: string) =>
    store.createConversation({ id, title: id, kernel: 'python3', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', seq: 0, ownerId: null, cells: [] });
  async function* pieces(bytes: Buffer, size: number) {
    for (let start = 0; start < bytes.byteLength; start += size) yield bytes.subarray(start, start + size);
  }
  const read = async (hash: string) => {
    const parts: Uint8Array[] = [];
    for await (const part of store.checkpoints.readBlob(hash)) parts.push(part);
    return Buffer.concat(parts);
  };

  it('keeps blobs once by content, in pieces, and collects them when no checkpoint uses them', async () => {
    await conversation('a');
    await conversation('b');
    const big = randomBytes(CHECKPOINT_CHUNK_BYTES * 2 + 1000);
    const small = Buffer.from('small');
    const bigRef = { hash: checkpointBlobHash(big), size: big.byteLength };
    const smallRef = { hash: checkpointBlobHash(small), size: small.byteLength };
    expect(await store.checkpoints.missingBlobs([bigRef.hash, smallRef.hash, bigRef.hash])).toEqual([bigRef.hash, smallRef.hash]);
    // Arriving in pieces of another size, stored in pieces of CHECKPOINT_CHUNK_BYTES.
    await store.checkpoints.putBlob(bigRef, pieces(big, 3_000_000));
    await store.checkpoints.putBlob(smallRef, pieces(small, 2));
    expect(await store.checkpoints.missingBlobs([bigRef.hash, smallRef.hash])).toEqual([]);
    // Compared as bytes (a deep equality of 8 MB element by element takes minutes).
    expect((await read(bigRef.hash)).equals(big)).toBe(true);
    expect(await read(smallRef.hash)).toEqual(small);

    const manifest = { id: '000001-0000000a', parent: null };
    expect(await store.checkpoints.putCheckpoint('a', '000001-0000000a', manifest, [bigRef.hash, smallRef.hash])).toBe(true);
    expect(await store.checkpoints.putCheckpoint('a', '000001-0000000a', manifest, [bigRef.hash, smallRef.hash])).toBe(false);
    expect(await store.checkpoints.putCheckpoint('b', '000002-0000000b', { id: '000002-0000000b' }, [bigRef.hash])).toBe(true);
    await expect(store.checkpoints.putCheckpoint('a', '000003-0000000c', {}, [checkpointBlobHash(Buffer.from('never stored'))])).rejects.toThrow(/not stored/);
    expect(await store.checkpoints.hasCheckpoint('a', '000003-0000000c')).toBe(false);

    expect(await store.checkpoints.checkpoint('a', '000001-0000000a')).toEqual({ manifest, blobs: [bigRef, smallRef].sort((x, y) => (x.hash < y.hash ? -1 : 1)) });
    expect(await store.checkpoints.checkpoint('b', '000001-0000000a')).toBeUndefined();
    const manifestBytes = Buffer.byteLength(JSON.stringify(manifest));
    expect(await store.checkpoints.list('a')).toEqual([{ id: '000001-0000000a', manifestBytes }]);
    expect(await store.checkpoints.usage('a')).toBe(manifestBytes + big.byteLength + small.byteLength);

    // Dropped from a: the blob b still uses stays, the other goes.
    await store.checkpoints.drop('a', '000001-0000000a');
    expect(await store.checkpoints.missingBlobs([bigRef.hash, smallRef.hash])).toEqual([smallRef.hash]);
    expect(await store.checkpoints.usage('a')).toBe(0);
    // b deleted: nothing uses the big blob any more.
    await store.deleteConversation('b');
    expect(await store.checkpoints.missingBlobs([bigRef.hash])).toEqual([bigRef.hash]);
    expect(await read(bigRef.hash)).toEqual(Buffer.alloc(0));
  });
});
