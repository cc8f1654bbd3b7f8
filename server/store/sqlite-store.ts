import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ALWAYS_HELD } from './leases.ts';
import { decodeCursor, encodeCursor } from './list-cursor.ts';
import { claimDatabase } from './server-lock.ts';
import { SqliteAccounts } from './sqlite-accounts.ts';
import { SqliteCheckpoints } from './sqlite-checkpoints.ts';
import { assembleConversation, cellBody, cellCheckpointId, outputRows, toConversationRow } from './rows.ts';
import { ftsQuery, ftsQueryIn, ftsWordsQuery, matchingWords, searchBody, searchTerms } from './search-text.ts';
import { SQLITE_MIGRATIONS } from './sqlite-schema.ts';
import { toOwnerStorage, usageSql, type OwnerStorage } from './storage-usage.ts';
import {
  SchemaTooNewError,
  type ConversationChanges,
  type ConversationStore,
  type ListPage,
  type ListedConversation,
  type ListQuery,
  type StoredConversation,
} from './store.ts';

type Db = Database.Database;

/**
 * The embedded engine: one SQLite file (`TALKBOOK_DATA_DIR/talkbook.db`) through better-sqlite3,
 * in WAL mode with `synchronous=NORMAL` (a committed transaction survives the process being
 * killed; a power cut may lose the last moments), foreign keys on, a busy timeout. Calls are
 * synchronous and take microseconds; they are wrapped as promises to share one interface with
 * PostgreSQL.
 */
export class SqliteStore implements ConversationStore {
  readonly engine = 'sqlite';
  readonly accounts: SqliteAccounts;
  /** One server: it holds every conversation. */
  readonly leases = ALWAYS_HELD;
  readonly checkpoints: SqliteCheckpoints;
  private readonly db: Db;
  private readonly statements: ReturnType<typeof prepare>;
  private readonly release: () => void;

  private constructor(db: Db, release: () => void) {
    this.db = db;
    this.statements = prepare(db);
    this.accounts = new SqliteAccounts(db);
    this.checkpoints = new SqliteCheckpoints(db);
    this.release = release;
  }

  /** `claim`: this server uses the file (`<file>.pid`), so `restore` refuses to replace it under it. */
  static open(file: string, options: { claim?: boolean } = {}): SqliteStore {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      migrate(db, file);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteStore(db, options.claim && file !== ':memory:' ? claimDatabase(file) : () => undefined);
  }

  /** The underlying database, for backups (`backup.ts`). */
  get database(): Db {
    return this.db;
  }

  async createConversation(conversation: StoredConversation): Promise<void> {
    this.db.transaction(() => {
      this.statements.insertConversation.run(rowParams(conversation));
      this.writeTitle(conversation.id, conversation.title);
      conversation.cells.forEach((cell, position) => this.writeCell(conversation.id, cell, position, true, true));
    })();
  }

  async loadConversation(id: string): Promise<StoredConversation | undefined> {
    const row = this.statements.conversation.get(id);
    if (!row) return undefined;
    const cells = this.statements.cells.all(id) as Array<{ id: string; body: string }>;
    const outputs = this.statements.outputs.all(id) as Array<{ cell_id: string; body: string }>;
    const blobs = new Map<string, Buffer>();
    for (const { hash, bytes } of this.statements.blobsOf.all(id) as Array<{ hash: string; bytes: Buffer }>) blobs.set(hash, bytes);
    return assembleConversation(toConversationRow(row), cells, outputs, (hash) => blobs.get(hash));
  }

  async conversationExists(id: string): Promise<boolean> {
    return this.statements.exists.get(id) !== undefined;
  }

  async listConversations(query: ListQuery): Promise<ListPage> {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const terms = query.q ? searchTerms(query.q) : [];
    const params = {
      limit: query.limit + 1,
      afterUpdated: after?.updatedAt ?? null,
      afterId: after?.id ?? null,
      owner: query.visibleTo ?? null,
      match: terms.length ? ftsQuery(terms) : null,
    };
    if (!terms.length) {
      const rows = this.statements.list.all(params).map(toConversationRow);
      return pageOf(rows, query.limit);
    }
    // A word in many recent conversations: the newest conversations' search documents, read in
    // order and checked here until the page is full (FTS5 answers a prefix by merging the whole
    // posting list of every token it matches, which for a common word costs ~100 ms a question).
    const probed = this.probeNewest(params, terms, query.limit + 1);
    // Few hits: the conversations they are in, then the newest of those. Many, but not among the
    // newest: each conversation asked in turn whether it holds them, until the page is full.
    const fromIndex = () => ((this.statements.hits.get(params) as { n: number }).n < COMMON_HITS ? this.statements.search : this.statements.searchCommon);
    const found = probed ?? fromIndex().all(params).map((row) => ({ row: toConversationRow(row), words: undefined }));
    const { items, nextCursor } = pageOf(found.map((hit) => hit.row), query.limit);
    const listed: ListedConversation[] = items;
    for (const [index, item] of listed.entries()) {
      const words = found[index]!.words;
      const match = words ? ftsWordsQuery(words) : params.match!;
      const hit = this.statements.snippet.get(`conversation_id : "${item.id.replace(/[^0-9a-zA-Z_-]/g, '')}" AND ${match}`) as { cell_id: string; text: string } | undefined;
      if (hit) item.match = { text: hit.text, cellId: hit.cell_id };
    }
    return { items: listed, nextCursor };
  }

  /**
   * The newest `PROBE_CONVERSATIONS` conversations after the cursor whose documents hold the
   * terms, up to `wanted`, with the words that matched; undefined when they did not fill the page
   * and more conversations remain (the index answers then).
   */
  private probeNewest(params: Record<string, unknown>, terms: readonly string[], wanted: number) {
    const found: Array<{ row: ListedConversation; words: string[] }> = [];
    let current: string | undefined;
    let done = false;
    let conversations = 0;
    for (const doc of this.statements.newestDocs.iterate({ ...params, probe: PROBE_CONVERSATIONS }) as Iterable<Record<string, unknown> & { id: string; body: string }>) {
      if (doc.id !== current) {
        current = doc.id;
        done = false;
        conversations += 1;
      }
      if (done) continue;
      const words = matchingWords(doc.body, terms);
      if (!words) continue;
      done = true;
      found.push({ row: toConversationRow(doc), words });
      if (found.length >= wanted) return found;
    }
    return conversations < PROBE_CONVERSATIONS ? found : undefined;
  }

  async applyChanges(id: string, changes: ConversationChanges): Promise<void> {
    this.db.transaction(() => {
      const updated = this.statements.updateConversation.run({ id, title: changes.title, updatedAt: changes.updatedAt, seq: changes.seq });
      if (updated.changes === 0) throw new Error(`conversation ${id} is not in the store`);
      if (changes.titleChanged) this.writeTitle(id, changes.title);
      for (const cellId of changes.removed) {
        this.statements.deleteCell.run(id, cellId);
        this.statements.deleteSearch.run(id, cellId);
      }
      for (const write of changes.cells) this.writeCell(id, write.cell, write.position, write.outputsChanged, false);
    })();
  }

  async deleteConversation(id: string): Promise<void> {
    this.db.transaction(() => {
      const checkpointBlobs = this.checkpoints.blobsOfConversation(id);
      this.statements.deleteConversation.run(id);
      for (const hash of checkpointBlobs) this.checkpoints.collect(hash);
    })();
  }

  async collectGarbage(): Promise<void> {
    this.statements.collectBlobs.run();
    this.checkpoints.collectAll();
  }

  async storageByOwner(ownerId?: string): Promise<OwnerStorage[]> {
    const rows = ownerId === undefined ? this.statements.usage.all() : this.statements.usageOf.all(ownerId);
    return rows.map(toOwnerStorage);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
    this.release();
  }

  private writeTitle(id: string, title: string): void {
    this.statements.upsertSearch.run(id, '', title);
  }

  private writeCell(id: string, cell: StoredConversation['cells'][number], position: number, outputsChanged: boolean, fresh: boolean): void {
    const s = this.statements;
    s.upsertCell.run(id, cell.id, position, cellBody(cell), cellCheckpointId(cell));
    if (outputsChanged) {
      if (!fresh) {
        s.deleteOutputs.run(id, cell.id);
        s.deleteOutputBlobs.run(id, cell.id);
      }
      for (const row of outputRows(cell)) {
        s.insertOutput.run(id, cell.id, row.idx, row.body);
        for (const blob of row.blobs) {
          s.insertBlob.run(blob.hash, blob.bytes);
          s.insertOutputBlob.run(id, cell.id, blob.hash);
        }
      }
    }
    const body = searchBody(cell);
    if (body) s.upsertSearch.run(id, cell.id, body);
    else s.deleteSearch.run(id, cell.id);
  }
}

function rowParams(c: StoredConversation) {
  return { id: c.id, title: c.title, kernel: c.kernel, createdAt: c.createdAt, updatedAt: c.updatedAt, seq: c.seq, ownerId: c.ownerId };
}

/** Past this many matching texts a word counts as common (see `listConversations`). */
/** How many of the newest conversations a search checks itself before it asks the FTS index. */
const PROBE_CONVERSATIONS = 60;
/** From this many FTS hits on, the index is asked per conversation rather than for every hit. */
const COMMON_HITS = 5000;

/** The first `limit` rows, and a cursor after the last when there were more. */
function pageOf<T extends ListedConversation>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

/** Conversations newest first, from a cursor, visible to a user: owned or shared with them (or all). */
const PAGE_FILTER = `
  (@afterUpdated IS NULL OR c.updated_at < @afterUpdated OR (c.updated_at = @afterUpdated AND c.id < @afterId))
  AND (@owner IS NULL OR c.owner_id = @owner OR EXISTS (SELECT 1 FROM shares sh WHERE sh.conversation_id = c.id AND sh.user_id = @owner))`;

const sqliteBytes = (column: string) => `length(CAST(${column} AS BLOB))`;

function prepare(db: Db) {
  return {
    insertConversation: db.prepare(
      'INSERT INTO conversations (id, title, kernel, created_at, updated_at, seq, owner_id) VALUES (@id, @title, @kernel, @createdAt, @updatedAt, @seq, @ownerId)',
    ),
    updateConversation: db.prepare('UPDATE conversations SET title = @title, updated_at = @updatedAt, seq = @seq WHERE id = @id'),
    conversation: db.prepare('SELECT id, title, kernel, created_at, updated_at, seq, owner_id FROM conversations WHERE id = ?'),
    exists: db.prepare('SELECT 1 FROM conversations WHERE id = ?'),
    // length() of TEXT counts characters; of a BLOB, bytes: the UTF-8 bytes, as stored.
    usage: db.prepare(usageSql(sqliteBytes, undefined)),
    usageOf: db.prepare(usageSql(sqliteBytes, '?')),
    cells: db.prepare('SELECT id, body FROM cells WHERE conversation_id = ? ORDER BY position'),
    outputs: db.prepare('SELECT cell_id, body FROM outputs WHERE conversation_id = ? ORDER BY cell_id, idx'),
    blobsOf: db.prepare('SELECT DISTINCT b.hash, b.bytes FROM output_blobs o JOIN blobs b ON b.hash = o.hash WHERE o.conversation_id = ?'),
    list: db.prepare(
      `SELECT c.id, c.title, c.kernel, c.created_at, c.updated_at, c.seq, c.owner_id FROM conversations c
       WHERE ${PAGE_FILTER} ORDER BY c.updated_at DESC, c.id DESC LIMIT @limit`,
    ),
    search: db.prepare(
      `SELECT c.id, c.title, c.kernel, c.created_at, c.updated_at, c.seq, c.owner_id FROM conversations c
       WHERE c.id IN (SELECT d.conversation_id FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid WHERE search_fts MATCH @match)
       AND ${PAGE_FILTER} ORDER BY c.updated_at DESC, c.id DESC LIMIT @limit`,
    ),
    hits: db.prepare(`SELECT count(*) AS n FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH @match LIMIT ${COMMON_HITS})`),
    searchCommon: db.prepare(
      `SELECT c.id, c.title, c.kernel, c.created_at, c.updated_at, c.seq, c.owner_id FROM conversations c
       WHERE ${PAGE_FILTER}
       AND EXISTS (SELECT 1 FROM search_fts WHERE search_fts MATCH ('conversation_id : "' || c.id || '" AND ' || @match))
       ORDER BY c.updated_at DESC, c.id DESC LIMIT @limit`,
    ),
    // The title's document first, then the cells' in the order they were written.
    newestDocs: db.prepare(
      `SELECT c.id, c.title, c.kernel, c.created_at, c.updated_at, c.seq, c.owner_id, d.body FROM
       (SELECT * FROM conversations c WHERE ${PAGE_FILTER} ORDER BY c.updated_at DESC, c.id DESC LIMIT @probe) c
       JOIN search_docs d ON d.conversation_id = c.id
       ORDER BY c.updated_at DESC, c.id DESC, d.cell_id <> '', d.id`,
    ),
    // The title first, then the earliest cell: where a person would look.
    snippet: db.prepare(
      `SELECT d.cell_id, snippet(search_fts, 1, '', '', '…', 12) AS text FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid
       WHERE search_fts MATCH ? ORDER BY d.cell_id = '' DESC, d.id LIMIT 1`,
    ),
    upsertCell: db.prepare(
      'INSERT INTO cells (conversation_id, id, position, body, checkpoint_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT (conversation_id, id) DO UPDATE SET position = excluded.position, body = excluded.body, checkpoint_id = excluded.checkpoint_id',
    ),
    deleteCell: db.prepare('DELETE FROM cells WHERE conversation_id = ? AND id = ?'),
    deleteOutputs: db.prepare('DELETE FROM outputs WHERE conversation_id = ? AND cell_id = ?'),
    deleteOutputBlobs: db.prepare('DELETE FROM output_blobs WHERE conversation_id = ? AND cell_id = ?'),
    insertOutput: db.prepare('INSERT INTO outputs (conversation_id, cell_id, idx, body) VALUES (?, ?, ?, ?)'),
    insertBlob: db.prepare('INSERT INTO blobs (hash, bytes) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING'),
    insertOutputBlob: db.prepare('INSERT INTO output_blobs (conversation_id, cell_id, hash) VALUES (?, ?, ?)'),
    upsertSearch: db.prepare(
      'INSERT INTO search_docs (conversation_id, cell_id, body) VALUES (?, ?, ?) ON CONFLICT (conversation_id, cell_id) DO UPDATE SET body = excluded.body WHERE body <> excluded.body',
    ),
    deleteSearch: db.prepare("DELETE FROM search_docs WHERE conversation_id = ? AND cell_id = ? AND cell_id <> ''"),
    deleteConversation: db.prepare('DELETE FROM conversations WHERE id = ?'),
    collectBlobs: db.prepare('DELETE FROM blobs WHERE hash NOT IN (SELECT hash FROM output_blobs)'),
  };
}

/** Apply the migrations this database lacks; refuse a database written by a newer Talkbook. */
function migrate(db: Db, file: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS talkbook_schema (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM talkbook_schema').get() as { version: number } | undefined;
  const current = row?.version ?? 0;
  if (current > SQLITE_MIGRATIONS.length) {
    throw new SchemaTooNewError(
      `The database ${file} has schema version ${current}, written by a newer Talkbook; this one knows up to version ${SQLITE_MIGRATIONS.length}. ` +
        'Run the newer Talkbook, or restore a backup made for this version (npm run talkbook -- restore FILE).',
    );
  }
  for (let version = current + 1; version <= SQLITE_MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(SQLITE_MIGRATIONS[version - 1]!);
      if (version === 1 && !row) db.prepare('INSERT INTO talkbook_schema (version) VALUES (1)').run();
      else db.prepare('UPDATE talkbook_schema SET version = ?').run(version);
    })();
  }
}
