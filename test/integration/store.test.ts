import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/log.ts';
import type { Cell, CodeCell } from '../../server/protocol/index.ts';
import { importJsonConversations, PostgresStore, SqliteStore, type ConversationStore, type StoredConversation } from '../../server/store/index.ts';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.ts';

/** The same suite against both engines: SQLite in a temporary folder and a real PostgreSQL. */
let postgres: TestPostgres;
let scratch: string;
beforeAll(async () => {
  postgres = await startTestPostgres();
  scratch = await mkdtemp(join(tmpdir(), 'talkbook-store-'));
});
afterAll(async () => {
  await postgres?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const PNG = Buffer.alloc(6000, 7).toString('base64');
let counter = 0;
const id = () => (++counter).toString(16).padStart(32, '0');
const now = (offsetMs = 0) => new Date(Date.UTC(2026, 0, 1) + counter * 1000 + offsetMs).toISOString();

function code(cellId: string, source: string, text: string, extra: Partial<CodeCell> = {}): CodeCell {
  return {
    id: cellId,
    kind: 'code',
    createdAt: now(),
    source,
    author: 'user',
    status: 'ok',
    executionCount: 1,
    outputs: [{ output_type: 'stream', name: 'stdout', text }],
    ...extra,
  };
}

function conversation(cells: Cell[], extra: Partial<StoredConversation> = {}): StoredConversation {
  const at = now();
  return { id: id(), title: 'Sales', kernel: 'python3', createdAt: at, updatedAt: at, seq: 100_000, ownerId: null, cells, ...extra };
}

const engines: Array<[string, () => Promise<ConversationStore>]> = [
  ['SQLite', async () => SqliteStore.open(join(scratch, `${id()}.db`))],
  ['PostgreSQL', async () => PostgresStore.open({ url: await postgres.database() })],
];

describe.each(engines)('the conversation store on %s', (_engine, open) => {
  let store: ConversationStore;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('stores a conversation as rows and gives it back exactly, images included', async () => {
    const plot: CodeCell = {
      ...code('c2', 'plt.plot(x)', ''),
      outputs: [
        { output_type: 'display_data', data: { 'image/png': PNG, 'text/plain': '<Figure>' }, metadata: { 'image/png': { width: 10 } }, transient: { display_id: 'd1' } },
        { output_type: 'error', ename: 'ValueError', evalue: 'bad', traceback: ['tb'] },
      ],
      status: 'error',
    };
    const stored = conversation([
      { id: 'c0', kind: 'user', createdAt: now(), text: 'How much did we sell?' },
      code('c1', 'x = [1, 2]', 'done\n'),
      plot,
      { id: 'c3', kind: 'notice', createdAt: now(), level: 'info', text: 'Restarted.' },
      { id: 'c4', kind: 'assistant', createdAt: now(), text: 'We sold **12**.' },
    ]);
    await store.createConversation(stored);
    expect(await store.loadConversation(stored.id)).toEqual(stored);
    expect(await store.conversationExists(stored.id)).toBe(true);
    expect(await store.loadConversation(id())).toBeUndefined();
  });

  it('keeps the live-notebook fields of a code cell: names, stale marks, the assistant code a person edited', async () => {
    const stored = conversation([
      code('c1', 'x = 2', '', { names: { defines: ['x'], reads: [] }, author: 'assistant', by: { userId: 'u1', name: 'Ana' }, edited: { before: 'x = 1', at: now(), outputChanged: false } }),
      code('c2', 'exec(s)', '', { names: { defines: [], reads: ['exec', 's'], all: true }, stale: true, staleBecause: { cellId: 'c1', names: ['x'] } }),
    ]);
    await store.createConversation(stored);
    expect(await store.loadConversation(stored.id)).toEqual(stored);
  });

  it('counts what it holds per owner: cells, outputs and their large payloads (the admin page, the storage quota)', async () => {
    const owner = `owner-${id()}`;
    const other = `other-${id()}`;
    const plot = (cellId: string): CodeCell => ({ ...code(cellId, 'plt.plot(x)', ''), outputs: [{ output_type: 'display_data', data: { 'image/png': PNG }, metadata: {} }] });
    const first = conversation([plot('p1')], { ownerId: owner });
    const second = conversation([code('s1', 'print(1)', '1\n')], { ownerId: owner });
    await store.createConversation(first);
    await store.createConversation(second);
    await store.createConversation(conversation([plot('o1')], { ownerId: other }));
    // A large payload is stored as its bytes (not base64): 6000 here.
    const payload = Buffer.byteLength(PNG, 'base64');
    const [mine] = await store.storageByOwner(owner);
    expect(mine).toMatchObject({ ownerId: owner, conversations: 2 });
    expect(mine!.bytes).toBeGreaterThan(payload);
    const everyone = await store.storageByOwner();
    expect(everyone.find((row) => row.ownerId === owner)).toEqual(mine);
    expect(everyone.find((row) => row.ownerId === other)!.bytes).toBeGreaterThan(payload);
    await store.deleteConversation(first.id);
    const [after] = await store.storageByOwner(owner);
    expect(after).toMatchObject({ ownerId: owner, conversations: 1 });
    expect(after!.bytes).toBeLessThan(payload);
    expect(await store.storageByOwner(`nobody-${id()}`)).toEqual([]);
  });

  it('writes only what changed: a new cell, one cell\'s outputs, a removed cell', async () => {
    const stored = conversation([code('a', 'print(1)', '1\n'), code('b', 'print(2)', '2\n')]);
    await store.createConversation(stored);
    const b = stored.cells[1] as CodeCell;
    const b2: CodeCell = { ...b, outputs: [{ output_type: 'stream', name: 'stdout', text: '2\n3\n' }], executionCount: 5 };
    const c = code('c', 'print(3)', '3\n');
    await store.applyChanges(stored.id, {
      title: 'Renamed',
      titleChanged: true,
      updatedAt: now(5000),
      seq: 200_000,
      cells: [
        { cell: b2, position: 1, outputsChanged: true },
        { cell: c, position: 2, outputsChanged: true },
      ],
      removed: ['a'],
    });
    const loaded = await store.loadConversation(stored.id);
    expect(loaded).toMatchObject({ title: 'Renamed', seq: 200_000, updatedAt: now(5000) });
    expect(loaded!.cells).toEqual([b2, c]);
    // A cell written without its outputs keeps the stored ones.
    await store.applyChanges(stored.id, { title: 'Renamed', titleChanged: false, updatedAt: now(6000), seq: 200_001, cells: [{ cell: { ...c, outputs: [] }, position: 2, outputsChanged: false }], removed: [] });
    expect((await store.loadConversation(stored.id))!.cells[1]).toEqual(c);
  });

  it('keeps an image shown twice once, and lets go of it when nothing refers to it', async () => {
    const blobCount = async () => {
      if (store instanceof SqliteStore) return (store.database.prepare('SELECT count(*) AS n FROM blobs').get() as { n: number }).n;
      const client = new pg.Client({ connectionString: (store as unknown as { pool: { options: { connectionString: string } } }).pool.options.connectionString });
      await client.connect();
      try {
        return Number((await client.query('SELECT count(*) AS n FROM blobs')).rows[0].n);
      } finally {
        await client.end();
      }
    };
    await store.collectGarbage();
    const before = await blobCount();
    const image = Buffer.alloc(8000, counter).toString('base64');
    const shown = (cellId: string): CodeCell => ({ ...code(cellId, 'show()', ''), outputs: [{ output_type: 'display_data', data: { 'image/png': image }, metadata: {} }] });
    const one = conversation([shown('x1'), shown('x2')]);
    const two = conversation([shown('y1')]);
    await store.createConversation(one);
    await store.createConversation(two);
    expect(await blobCount()).toBe(before + 1);
    await store.deleteConversation(one.id);
    await store.collectGarbage();
    expect(await blobCount()).toBe(before + 1);
    await store.deleteConversation(two.id);
    await store.collectGarbage();
    expect(await blobCount()).toBe(before);
  });

  it('pages newest first across inserts with no duplicates and no gaps', async () => {
    const owner = `pager-${id()}`;
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      const c = conversation([], { ownerId: owner });
      await store.createConversation(c);
      made.push(c.id);
    }
    const first = await store.listConversations({ limit: 3, visibleTo: owner });
    expect(first.items.map((item) => item.id)).toEqual(made.slice(-3).reverse());
    // Conversations created between pages are newer: they do not shift the pages after the cursor.
    for (let i = 0; i < 2; i++) await store.createConversation(conversation([], { ownerId: owner }));
    const seen = [...first.items.map((item) => item.id)];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await store.listConversations({ limit: 3, cursor, visibleTo: owner });
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual([...made].reverse());
  });

  it('finds code, an answer, an output and a title, with a snippet and the cell, only among what the caller may see', async () => {
    const mine = conversation(
      [
        { id: 'q', kind: 'user', createdAt: now(), text: 'Which region grew fastest?' },
        code('k', "df = pd.read_csv('quarterly_revenue.csv')", 'loaded 1200 rows\n'),
        { id: 'ans', kind: 'assistant', createdAt: now(), text: 'The Northwind region grew fastest, by 14 percent.' },
        { ...code('err', 'df.plot()', ''), outputs: [{ output_type: 'error', ename: 'KeyError', evalue: 'zanzibarcolumn', traceback: [] }] },
      ],
      { ownerId: 'alice', title: 'Pelican survey' },
    );
    const theirs = conversation([code('k2', "df = pd.read_csv('quarterly_revenue.csv')", '')], { ownerId: 'bob' });
    await store.createConversation(mine);
    await store.createConversation(theirs);
    const find = async (q: string, visibleTo = 'alice') => (await store.listConversations({ limit: 10, q, visibleTo })).items;
    expect((await find('quarterly_rev')).map((item) => [item.id, item.match?.cellId])).toEqual([[mine.id, 'k']]);
    expect((await find('northwind'))[0]).toMatchObject({ id: mine.id, match: { cellId: 'ans', text: expect.stringMatching(/Northwind/) } });
    expect((await find('1200 rows'))[0]?.match?.cellId).toBe('k');
    expect((await find('zanzibar'))[0]?.match?.cellId).toBe('err');
    expect((await find('pelican'))[0]).toMatchObject({ id: mine.id, match: { cellId: '' } });
    expect(await find('fastest nonsenseword')).toEqual([]);
    // Bob finds his own, never Alice's.
    expect((await find('quarterly', 'bob')).map((item) => item.id)).toEqual([theirs.id]);
    expect(await find('northwind', 'bob')).toEqual([]);
    // A changed cell is found by its new text only.
    await store.applyChanges(mine.id, { title: mine.title, titleChanged: false, updatedAt: now(9000), seq: 100_001, cells: [{ cell: { id: 'ans', kind: 'assistant', createdAt: now(), text: 'Southgate grew most.' }, position: 2, outputsChanged: false }], removed: [] });
    expect(await find('northwind')).toEqual([]);
    expect((await find('southgate'))[0]?.id).toBe(mine.id);
  });

  it('finds a word in thousands of texts newest first, a page at a time', async () => {
    const owner = `many-${id()}`;
    const made: string[] = [];
    for (let i = 0; i < 60; i++) {
      const cells = Array.from({ length: 90 }, (_, k): Cell => ({ id: `u${k}`, kind: 'user', createdAt: now(), text: `the widespread word, again ${k}` }));
      const c = conversation(cells, { ownerId: owner });
      await store.createConversation(c);
      made.push(c.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await store.listConversations({ limit: 25, cursor: cursor ?? undefined, q: 'widespread', visibleTo: owner });
      expect(page.items.every((item) => item.match?.text.includes('widespread'))).toBe(true);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...made].reverse());
  });

  it('deletes a conversation with everything of it', async () => {
    const c = conversation([code('a', 'secret_word_qq = 1', '')]);
    await store.createConversation(c);
    await store.deleteConversation(c.id);
    expect(await store.loadConversation(c.id)).toBeUndefined();
    expect((await store.listConversations({ limit: 5, q: 'secret_word_qq' })).items).toEqual([]);
  });
});

describe('schema versions', () => {
  it('refuses a SQLite database written by a newer Talkbook, saying what to do', async () => {
    const file = join(scratch, 'newer.db');
    await SqliteStore.open(file).close();
    const db = new Database(file);
    db.prepare('UPDATE talkbook_schema SET version = 99').run();
    db.close();
    expect(() => SqliteStore.open(file)).toThrow(/schema version 99, written by a newer Talkbook; this one knows up to version \d+/);
  });

  it('refuses a PostgreSQL database written by a newer Talkbook', async () => {
    const url = await postgres.database();
    await (await PostgresStore.open({ url })).close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('UPDATE talkbook_schema SET version = 99');
    await client.end();
    await expect(PostgresStore.open({ url })).rejects.toThrow(/schema version 99, written by a newer Talkbook/);
  });

  it('lets several servers migrate one PostgreSQL database at the same time', async () => {
    const url = await postgres.database();
    const stores = await Promise.all([1, 2, 3].map(() => PostgresStore.open({ url })));
    await Promise.all(stores.map((s) => s.close()));
  });
});

describe('the JSON files of earlier versions', () => {
  it('are imported once, each in one transaction, moved aside, a corrupt one reported and left', async () => {
    const dataDir = await mkdtemp(join(scratch, 'data-'));
    await mkdir(join(dataDir, 'conversations'));
    const legacy = (convId: string, title: string) => ({
      version: 1,
      id: convId,
      title,
      kernel: 'python3',
      createdAt: now(),
      updatedAt: now(),
      seq: 42,
      cells: [code('c1', 'print("old")', 'old\n')],
    });
    const a = id();
    const b = id();
    const bad = id();
    await writeFile(join(dataDir, 'conversations', `${a}.json`), JSON.stringify(legacy(a, 'First')));
    await writeFile(join(dataDir, 'conversations', `${b}.json`), JSON.stringify(legacy(b, 'Second')));
    await writeFile(join(dataDir, 'conversations', `${bad}.json`), '{"version": 1, "id": "truncated');
    const store = SqliteStore.open(join(dataDir, 'talkbook.db'));
    try {
      const log = createLogger('silent');
      expect(await importJsonConversations(dataDir, store, log)).toEqual({ imported: 2, skipped: 0, corrupt: [`${bad}.json`] });
      const first = await store.loadConversation(a);
      expect(first).toMatchObject({ title: 'First', cells: [{ source: 'print("old")', outputs: [{ text: 'old\n' }] }] });
      // Its frames continue beyond anything a tab saw before.
      expect(first!.seq).toBeGreaterThan(42);
      expect((await readdir(join(dataDir, 'conversations.imported'))).sort()).toEqual([`${a}.json`, `${b}.json`].sort());
      expect(await readdir(join(dataDir, 'conversations'))).toEqual([`${bad}.json`]);
      // Put a file back as an interrupted run would have left it: it is not imported twice.
      await writeFile(join(dataDir, 'conversations', `${a}.json`), JSON.stringify(legacy(a, 'First')));
      expect(await importJsonConversations(dataDir, store, log)).toEqual({ imported: 0, skipped: 1, corrupt: [`${bad}.json`] });
      expect((await store.listConversations({ limit: 10 })).items.map((item) => item.id).sort()).toEqual([a, b].sort());
    } finally {
      await store.close();
    }
  });
});
